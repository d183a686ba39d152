"""Wording the hazard pages build from parts, punctuated for the language being shown."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import pgettext


def join_list(items: Iterable[object]) -> str:
    """Items as the language lists them: 消防安全、生产安全 in Chinese, "Fire safety, Work
    safety" in English. The separator is translated, so it must be built when shown."""
    return pgettext("list separator", "、").join(str(item) for item in items)
