from __future__ import annotations

from typing import Any

from django import template

from shouwang.notices.actions import unread_counts

register = template.Library()


@register.inclusion_tag("notices/partials/badge.html", takes_context=True)
def notice_badge(context: template.Context) -> dict[str, Any]:
    """The bell's count, rendered with the page; the page then polls for changes. No request of
    its own at load, so it never races the form a page has just submitted. A page that has
    counted the notices itself passes ``notice_counts``, so they are not counted twice."""
    user = context["request"].user
    if "notice_counts" in context:
        unread, urgent = context["notice_counts"]
    else:
        unread, urgent = unread_counts(user) if user.is_authenticated else (0, 0)
    return {"unread": unread, "urgent": urgent}
