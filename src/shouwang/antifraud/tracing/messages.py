"""The engine's typed statement and mapping errors as translated messages (the engine has no
gettext): each one says the row and column, as the officer sees them in the spreadsheet."""

from __future__ import annotations

from django.utils.translation import gettext as _

from shouwang.engines.tracing import MappingError, StatementError


def problem_text(problem: str) -> str:
    texts = {
        "missing_column": _("缺少这一列"),
        "missing_value": _("缺少内容"),
        "bad_time": _("时间无法识别"),
        "bad_amount": _("金额无法识别"),
        "bad_direction": _("收支方向无法识别"),
        "both_amounts": _("同一行的收入和支出两列都有金额"),
        "no_rows": _("没有交易行"),
        "unreadable": _("文件无法读取"),
    }
    return texts.get(problem, problem)


def explain_statement_error(error: StatementError) -> str:
    """E.g. "第 5 行，“交易时间”列：时间无法识别（2025/13/01）"."""
    what = problem_text(error.problem)
    if error.value:
        what = _("%(what)s（%(value)s）") % {"what": what, "value": error.value[:60]}
    if error.row and error.column:
        return _("第 %(row)d 行，“%(column)s”列：%(what)s") % {
            "row": error.row,
            "column": error.column,
            "what": what,
        }
    if error.row:
        return _("第 %(row)d 行：%(what)s") % {"row": error.row, "what": what}
    return what


def explain_mapping_error(error: MappingError) -> str:
    return _("列对应设置有误：%(field)s") % {"field": error.field}
