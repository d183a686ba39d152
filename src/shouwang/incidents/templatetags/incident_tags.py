"""Formatting of trend changes and duty reasons on the incident pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def change(value: float | None) -> SafeString:
    """A percent change with its direction, or a dash when there is nothing to compare."""
    if value is None:
        return mark_safe('<span class="muted">—</span>')
    css = "inc-up" if value > 0 else "inc-down" if value < 0 else ""
    return format_html(
        '<span class="{}">{}{}%</span>', css, "+" if value > 0 else "", f"{value:.1f}"
    )


@register.filter
def reason_text(reason: dict[str, Any]) -> str:
    """One stored reason of a duty recommendation as a sentence, in the reader's language."""
    code = reason.get("code")
    if code == "event":
        # A holiday or an event registered without a crowd: no "0 people expected".
        if not reason.get("crowd"):
            return _("计划活动“%(name)s”") % reason
        crowd = number_format(reason["crowd"], force_grouping=True)
        return _("计划活动“%(name)s”,预计 %(crowd)s 人") % {**reason, "crowd": crowd}
    if code == "risk":
        return _("预测警情 %(expected)s 起,为日常 %(typical)s 起的 %(ratio)s 倍") % reason
    if code == "alert":
        return _("上周警情 %(observed)s 起,超过预警上限 %(upper)s 起") % reason
    if reason.get("ratio") is None:
        return _("无计划活动;暂无足够历史数据")
    return _("无计划活动;预测警情 %(expected)s 起,日常 %(typical)s 起") % reason
