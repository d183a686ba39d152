"""The main navigation: every page a role can reach, grouped by the part of the platform it
belongs to, as data. A user who reaches one part only (a bank desk, a grid worker) sees its
links side by side; a user who reaches several (the command centre, an administrator) sees
one menu per part, so that the bar never runs off the screen."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shouwang.orgs.roles import Cap

if TYPE_CHECKING:
    from shouwang.orgs.models import User


class Side(Enum):
    """Who a link is for: police staff, outside parties (companies, banks, carriers), or both."""

    ANY = "any"
    POLICE = "police"
    OUTSIDE = "outside"


@dataclass(frozen=True)
class Link:
    view: str
    label: str | Promise
    cap: Cap
    side: Side = Side.ANY
    also_active_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    label: str | Promise
    links: tuple[Link, ...]


NAVIGATION: tuple[Group, ...] = (
    Group(
        _("隐患治理"),
        (
            Link(
                "hazards:hazard-list",
                _("隐患清单"),
                Cap.HAZARD_VIEW,
                Side.ANY,
                ("hazards:hazard-detail",),
            ),
            Link("hazards:hazard-map", _("地图"), Cap.HAZARD_VIEW),
            Link("hazards:hazard-register", _("登记隐患"), Cap.HAZARD_REGISTER, Side.POLICE),
            Link("hazards:campaign-list", _("排查行动"), Cap.HAZARD_VIEW, Side.POLICE),
            Link("hazards:unit-dashboard", _("单位看板"), Cap.UNIT_DASHBOARD),
            Link("hazards:assigned-list", _("待整改"), Cap.HAZARD_RECTIFY, Side.OUTSIDE),
            Link("hazards:hazard-import", _("导入台账"), Cap.HAZARD_IMPORT),
        ),
    ),
    Group(
        _("反诈中心"),
        (
            Link(
                "antifraud:report-list",
                _("反诈案件"),
                Cap.FRAUD_VIEW,
                Side.ANY,
                ("antifraud:report-detail",),
            ),
            Link("antifraud:dashboard", _("反诈看板"), Cap.FRAUD_VIEW),
            Link("fraud_warning:task-list", _("预警劝阻"), Cap.WARNING_HANDLE),
            Link("fraud_warning:rule-list", _("预警规则"), Cap.RULE_EDIT),
            Link("antifraud:desk", _("协查请求"), Cap.PARTNER_ANSWER),
            Link("antifraud:blocklist", _("黑名单"), Cap.BLOCKLIST_LOOKUP),
        ),
    ),
    Group(
        _("警情研判"),
        (
            Link("incidents:map", _("警情地图"), Cap.INCIDENT_VIEW),
            Link("incidents:trends", _("警情趋势"), Cap.INCIDENT_VIEW),
            Link("incidents:duty", _("勤务等级"), Cap.INCIDENT_VIEW),
            Link("incidents:patrol", _("巡逻区域"), Cap.INCIDENT_VIEW),
            Link("incidents:import", _("导入警情"), Cap.INCIDENT_IMPORT),
        ),
    ),
    Group(
        _("系统管理"),
        (
            Link("audit:event-list", _("审计日志"), Cap.AUDIT_VIEW),
            Link("cases:sla-list", _("时限规则"), Cap.SLA_EDIT),
        ),
    ),
)


@dataclass(frozen=True)
class ShownLink:
    url: str
    label: str | Promise
    active: bool


@dataclass(frozen=True)
class ShownGroup:
    label: str | Promise
    links: list[ShownLink]

    @property
    def active(self) -> bool:
        return any(link.active for link in self.links)


def _allowed(user: User, link: Link) -> bool:
    if link.side is Side.POLICE and user.is_outside_party:
        return False
    if link.side is Side.OUTSIDE and not user.is_outside_party:
        return False
    return user.can(link.cap)


def navigation_for(user: User, view_name: str | None) -> list[ShownGroup]:
    """The groups the user reaches, each with the links the user may open, in order."""
    shown = []
    for group in NAVIGATION:
        links = []
        for link in group.links:
            if not _allowed(user, link):
                continue
            try:
                url = reverse(link.view)
            except NoReverseMatch:  # an app that is not installed
                continue
            active = view_name is not None and view_name in (link.view, *link.also_active_on)
            links.append(ShownLink(url, link.label, active))
        if links:
            shown.append(ShownGroup(group.label, links))
    return shown
