"""Issuing and revoking API tokens. The raw token exists only in the return value of create."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.audit.log import record
from shouwang.common.errors import ActionError, NotPermitted
from shouwang.orgs.api_auth import hash_token, new_token_value
from shouwang.orgs.choices import Role
from shouwang.orgs.models import ApiToken, User


@dataclass(frozen=True)
class IssuedToken:
    """The stored token row and the raw value, which is shown once and never stored."""

    token: ApiToken
    raw: str


def _check_may_manage(owner: User, actor: User | None) -> None:
    # `actor=None` is the operator at the command line, who already holds the server.
    if actor is None or actor.pk == owner.pk:
        return
    if actor.is_active and (actor.is_superuser or actor.role == Role.ADMIN):
        return
    raise NotPermitted("api_token")


@transaction.atomic
def do_create_api_token(*, user: User, name: str, actor: User | None) -> IssuedToken:
    """Issue a token with which a system calls the API as `user` (with `user`'s scope)."""
    _check_may_manage(user, actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌名称。")}, code="required")
    if len(name) > 100:
        raise ValidationError({"name": _("令牌名称不能超过 100 个字符。")}, code="too_long")
    if not user.is_active:
        raise ValidationError({"user": _("该用户已停用,不能签发令牌。")}, code="inactive")
    if ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).exists():
        raise ValidationError({"name": _("该用户已有同名的有效令牌。")}, code="duplicate")
    raw = new_token_value()
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw))
    record(
        actor,
        "api_token.create",
        token,
        unit=user.unit,
        detail={"user": user.username, "name": name},
    )
    return IssuedToken(token=token, raw=raw)


@transaction.atomic
def do_revoke_api_token(token: ApiToken, *, actor: User | None) -> ApiToken:
    _check_may_manage(token.user, actor)
    now = timezone.now()
    # Conditional update: two revocations at once record one event, not two.
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if revoked != 1:
        raise ActionError(_("该令牌已被吊销。"), code="revoked")
    token.revoked_at = now
    record(
        actor,
        "api_token.revoke",
        token,
        unit=token.user.unit,
        detail={"user": token.user.username, "name": token.name},
    )
    return token
