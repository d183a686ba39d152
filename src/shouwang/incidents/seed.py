"""Writes the category tree of `incidents.categories` where it is missing.

Migration 0002 seeds it once; a database emptied since (`flush`, as transactional tests do,
or a demo loaded into a flushed database) lost it. Existing nodes are left as they are.
"""

from __future__ import annotations

from shouwang.incidents.categories import CATEGORY_TREE
from shouwang.incidents.models import IncidentCategory


def ensure_categories() -> None:
    for code, name, children in CATEGORY_TREE:
        parent, _ = IncidentCategory.objects.get_or_create(
            code=code, defaults={"name": name, "path": f"/{code}/"}
        )
        for child_code, child_name in children:
            IncidentCategory.objects.get_or_create(
                code=child_code,
                defaults={"name": child_name, "parent": parent, "path": f"/{code}/{child_code}/"},
            )
