"""Each test starts with an empty cache: forecasts are cached by the newest incident's id,
and ids repeat between tests whose transactions were rolled back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
