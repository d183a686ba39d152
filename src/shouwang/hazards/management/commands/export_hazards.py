"""`shouwang export_hazards --user USERNAME --format xlsx|csv [--filter 'grade=major'] -o FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict
from django.utils.translation import gettext as _

from shouwang.audit.context import Origin, reset_origin, set_origin
from shouwang.hazards.export import FORMATS, audit_export, export_queryset, iter_csv, write_xlsx
from shouwang.hazards.views.forms import parse_filter
from shouwang.orgs.models import User
from shouwang.orgs.roles import Cap


class Command(BaseCommand):
    help = "Export the hazards a user may see, filtered like the list page, to Excel or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="export what this user may see")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument(
            "--filter",
            default="",
            help="the list's query string: 'grade=major&open=true'",
        )
        parser.add_argument("-o", "--output", required=True, type=Path, help="file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("没有用户名为 %(u)s 的有效用户。") % {"u": options["user"]})
        if not user.can(Cap.HAZARD_VIEW):
            raise CommandError(_("用户 %(u)s 没有查看隐患的权限。") % {"u": user.username})
        hazard_filter, errors = parse_filter(QueryDict(options["filter"]))
        if errors:
            raise CommandError("; ".join(errors))
        queryset = export_queryset(user, hazard_filter)
        output = Path(options["output"])
        fmt: str = options["format"]
        token = set_origin(Origin(channel="cli"))
        try:
            count = queryset.count()
            audit_export(user, hazard_filter, count, fmt)
        finally:
            reset_origin(token)
        if fmt == "csv":
            with output.open("w", encoding="utf-8", newline="") as text:
                text.writelines(iter_csv(queryset))
        else:
            with output.open("wb") as binary:
                write_xlsx(queryset, binary)
        self.stdout.write(_("已导出 %(n)d 条隐患到 %(p)s。") % {"n": count, "p": output})
