from __future__ import annotations

from django import template

from shouwang.common.navigation import ShownGroup, navigation_for

register = template.Library()


@register.simple_tag(takes_context=True)
def main_navigation(context: template.Context) -> list[ShownGroup]:
    """`{% main_navigation as groups %}`: what the signed-in user's navigation bar shows."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    return navigation_for(user, match.view_name if match is not None else None)
