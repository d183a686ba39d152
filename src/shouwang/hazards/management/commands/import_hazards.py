"""`shouwang import_hazards FILE --unit CODE --user USERNAME [--dry-run]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shouwang.audit.context import Origin, reset_origin, set_origin
from shouwang.common.errors import NotPermitted
from shouwang.hazards.actions_ledger import do_import_hazard_ledger
from shouwang.hazards.ledger import RowError
from shouwang.orgs.models import Unit, User


def describe(error: RowError) -> str:
    """One error as a line a person can act on: where, what was there, what is wrong."""
    if error.row is None:
        where = _("整个文件")
    elif error.column:
        where = _("第 %(row)d 行 %(col)s 列(%(header)s)") % {
            "row": error.row,
            "col": error.column,
            "header": error.header,
        }
    elif error.header:
        where = _("第 %(row)d 行(%(header)s)") % {"row": error.row, "header": error.header}
    else:
        where = _("第 %(row)d 行") % {"row": error.row}
    value = f" “{error.value}”" if error.value else ""
    return f"{where}{value}:{error.message}"


class Command(BaseCommand):
    help = "Import a hazard ledger (.xlsx or .csv) into a unit: all rows or, on any error, none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the ledger workbook (.xlsx) or .csv")
        parser.add_argument("--unit", required=True, help="code of the unit to import into")
        parser.add_argument("--user", required=True, help="username of the importing user")
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(_("没有用户名为 %(u)s 的有效用户。") % {"u": options["user"]})
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(_("没有代码为 %(c)s 的单位。") % {"c": options["unit"]})
        if not path.is_file():
            raise CommandError(_("找不到文件 %(p)s。") % {"p": path})
        token = set_origin(Origin(channel="cli"))
        try:
            with path.open("rb") as file:
                result = do_import_hazard_ledger(
                    file, unit=unit, actor=user, filename=path.name, dry_run=options["dry_run"]
                )
        except NotPermitted:
            raise CommandError(
                _("用户 %(u)s 没有导入台账的权限。") % {"u": user.username}
            ) from None
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        finally:
            reset_origin(token)
        for error in result.errors:
            self.stderr.write(describe(error))
        if result.errors:
            raise CommandError(
                _("%(n)d 处错误,未导入任何数据。") % {"n": len(result.errors)}, returncode=1
            )
        if result.dry_run:
            message = _("检查通过:%(n)d 行均可导入(试运行,未写入)。") % {"n": result.rows}
        else:
            message = _("已导入 %(n)d 条隐患,用时 %(s).1f 秒。") % {
                "n": result.imported,
                "s": result.seconds,
            }
        self.stdout.write(message)
