"""Issues an API token for a user and prints it (it cannot be shown again), or revokes one."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shouwang.audit.context import Origin, reset_origin, set_origin
from shouwang.orgs.actions_tokens import do_create_api_token, do_revoke_api_token
from shouwang.orgs.models import ApiToken, User


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME and print it on stdout (only its hash is stored); "
        "with --revoke, revoke the user's live token of that name."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the token is for, e.g. 'bank feed'")
        parser.add_argument("--revoke", action="store_true", help="revoke instead of create")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        origin = set_origin(Origin(channel="cli"))
        try:
            if options["revoke"]:
                self._revoke(user, options["name"])
            else:
                self._create(user, options["name"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        finally:
            reset_origin(origin)

    def _create(self, user: User, name: str) -> None:
        issued = do_create_api_token(user=user, name=name, actor=None)
        # The notice goes to stderr so that `TOKEN=$(shouwang create_api_token …)` captures
        # the token alone.
        self.stderr.write(
            f"Token {issued.token.name!r} for {user.username} (id {issued.token.pk}). "
            "Store it now: it cannot be shown again."
        )
        self.stdout.write(issued.raw)

    def _revoke(self, user: User, name: str) -> None:
        token = ApiToken.objects.filter(
            user=user, name=name.strip(), revoked_at__isnull=True
        ).first()
        if token is None:
            raise CommandError(f"{user.username} has no live token named {name!r}")
        do_revoke_api_token(token, actor=None)
        self.stdout.write(f"Revoked token {token.name!r} of {user.username}")
