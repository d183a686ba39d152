"""A notice's words, built when it is read, in the reader's language, from the parameters its
cause stored (so a notice written at 3 a.m. in Chinese reads in English to an English reader)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shouwang.antifraud.choices import RequestType
from shouwang.antifraud.warning.choices import Risk
from shouwang.common.labels import choice_label
from shouwang.notices.choices import NoticeKind


def text_of(kind: str, params: dict[str, Any]) -> str:
    p = params
    if kind == NoticeKind.WARNING_TASK:
        return _("预警劝阻(%(risk)s风险):请在 %(minutes)s 分钟内联系 %(person)s。") % {
            "risk": choice_label(Risk, p.get("risk")),
            "minutes": p.get("minutes", ""),
            "person": p.get("person", ""),
        }
    if kind == NoticeKind.WARNING_TASK_HANDED:
        return _("一条劝阻任务超时未处理,已转派给你:请立即联系 %(person)s。") % {
            "person": p.get("person", "")
        }
    if kind == NoticeKind.PROPOSALS:
        n = int(p.get("n", 0))
        return ngettext("%(n)d 条封堵建议待审批。", "%(n)d 条封堵建议待审批。", n) % {"n": n}
    if kind == NoticeKind.REQUESTS_NEW:
        return _("新的%(type)s请求:请在 %(minutes)s 分钟内答复。") % {
            "type": choice_label(RequestType, p.get("type")),
            "minutes": p.get("minutes", ""),
        }
    if kind == NoticeKind.REQUEST_LATE:
        return _("%(organisation)s 未按时答复%(type)s请求,已上报至本单位。") % {
            "organisation": p.get("organisation", ""),
            "type": choice_label(RequestType, p.get("type")),
        }
    if kind == NoticeKind.CASE_ASSIGNED:
        return _("交办给你:%(title)s") % {"title": p.get("title", "")}
    if kind == NoticeKind.CASE_OVERDUE:
        return _("已逾期,上报至本单位:%(title)s") % {"title": p.get("title", "")}
    if kind == NoticeKind.INCIDENT_ALERT:
        return _(
            "%(unit)s %(week)s 起的一周警情 %(count)s 起,明显高于预计的约 %(expected)s 起。"
        ) % {
            "unit": p.get("unit", ""),
            "week": p.get("week", ""),
            "count": p.get("count", ""),
            "expected": p.get("expected", ""),
        }
    return choice_label(NoticeKind, kind)
