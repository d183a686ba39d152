"""The model's reasons for a score, in words (see feature_labels)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template

from shouwang.antifraud.warning.feature_labels import Explained, explain

register = template.Library()


@register.filter
def explained(reasons: Iterable[Mapping[str, Any]] | None) -> list[Explained]:
    return explain(reasons or [])
