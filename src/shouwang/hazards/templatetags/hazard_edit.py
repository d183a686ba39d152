"""`{% if user|may_edit:hazard %}`: whether to offer "修改信息" on a hazard's page.

The rule is the action's own (`may_update_hazard`), so the link never promises more than
the edit page allows.
"""

from __future__ import annotations

from typing import Any

from django import template

from shouwang.hazards.actions_edit import may_update_hazard
from shouwang.hazards.models import Hazard

register = template.Library()


@register.filter
def may_edit(user: Any, hazard: Hazard) -> bool:
    return hazard.is_open and may_update_hazard(user, hazard)
