"""`shouwang import_incidents FILE --mapping ID --user USERNAME [--dry-run]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils.translation import gettext as _

from shouwang.audit.context import Origin, reset_origin, set_origin
from shouwang.common.errors import NotPermitted
from shouwang.incidents.actions import do_import_incidents
from shouwang.incidents.queries import access_mapping
from shouwang.incidents.reader import RowError
from shouwang.orgs.models import User


def describe(error: RowError) -> str:
    """One error as a line a person can act on: where, what was there, what is wrong."""
    if error.row is None:
        where = _("整个文件")
    else:
        where = _("第 %(row)d 行 %(col)s 列(%(header)s)") % {
            "row": error.row,
            "col": error.column,
            "header": error.header,
        }
    value = f" “{error.value}”" if error.value else ""
    return f"{where}{value}:{error.message}"


class Command(BaseCommand):
    help = "Import incidents (.xlsx or .csv) with a saved mapping: all rows or, on any error, none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the incident file (.xlsx or .csv)")
        parser.add_argument("--mapping", type=int, required=True, help="id of the saved mapping")
        parser.add_argument("--user", required=True, help="username of the importing user")
        parser.add_argument("--dry-run", action="store_true", help="check and write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("没有用户名为 %(u)s 的有效用户。") % {"u": options["user"]})
        try:
            mapping = access_mapping(user, options["mapping"])
        except Http404:
            raise CommandError(
                _("用户 %(u)s 没有编号为 %(id)d 的导入映射。")
                % {"u": user.username, "id": options["mapping"]}
            ) from None
        if not path.is_file():
            raise CommandError(_("找不到文件 %(p)s。") % {"p": path})
        token = set_origin(Origin(channel="cli"))
        try:
            with path.open("rb") as file:
                result = do_import_incidents(
                    file,
                    filename=path.name,
                    mapping=mapping,
                    actor=user,
                    dry_run=options["dry_run"],
                )
        except NotPermitted:
            raise CommandError(
                _("用户 %(u)s 没有导入警情的权限。") % {"u": user.username}
            ) from None
        finally:
            reset_origin(token)
        for error in result.errors:
            self.stderr.write(describe(error))
        if result.errors:
            raise CommandError(
                _("%(n)d 处错误,未导入任何数据。") % {"n": len(result.errors)}, returncode=1
            )
        for dup in result.duplicates:
            if dup.of_row:
                of = _("第 %(row)d 行") % {"row": dup.of_row}
            elif dup.of_incident:
                of = _("已有警情 %(id)s") % {"id": dup.of_incident}
            else:
                of = _("辖区外已有的警情")
            self.stdout.write(_("第 %(row)d 行与%(of)s重复,已跳过。") % {"row": dup.row, "of": of})
        if result.dry_run:
            message = _("检查通过:%(n)d 行,其中重复 %(d)d 行(试运行,未写入)。") % {
                "n": result.rows,
                "d": len(result.duplicates),
            }
        else:
            message = _("已导入 %(n)d 起警情,跳过重复 %(d)d 行,用时 %(s).1f 秒。") % {
                "n": result.imported,
                "d": len(result.duplicates),
                "s": result.seconds,
            }
        self.stdout.write(message)
