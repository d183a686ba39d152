"""Template helpers for the hazard pages and the site navigation."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from shouwang.cases.choices import CaseState
from shouwang.common.masking import mask_name, mask_phone
from shouwang.hazards.choices import HazardGrade
from shouwang.orgs.roles import Cap

register = template.Library()


@register.simple_tag
def url_if_exists(name: str, *args: Any) -> str:
    """The URL for `name`, or "" while the view behind it does not exist yet.

    Several pages are built at the same time by different people; a link to a page that is
    not there yet must disappear rather than break every page that links to it.
    """
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return ""


@register.filter
def can(user: Any, capability: str) -> bool:
    """`{% if user|can:"hazard.manage" %}`: the role table, as templates can read it."""
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        return bool(user.can(Cap(capability)))
    except ValueError:
        return False


@register.filter
def grade_label(grade: str) -> str:
    if not grade:
        return _("未分级")
    try:
        return str(HazardGrade(grade).label)
    except ValueError:
        return grade


@register.simple_tag
def grade_badge(grade: str) -> SafeString:
    css = grade if grade in HazardGrade.values else "none"
    return format_html('<span class="badge grade-{}">{}</span>', css, grade_label(grade))


@register.simple_tag
def state_badge(state: str) -> SafeString:
    try:
        label = str(CaseState(state).label)
    except ValueError:
        label = state
    return format_html('<span class="badge state-{}">{}</span>', state, label)


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value) if value else ""


@register.filter
def masked_name(value: str) -> str:
    return mask_name(value) if value else ""
