"""Each test starts with an empty cache: forecasts are cached by the newest incident's id,
and ids repeat between tests whose transactions were rolled back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _categories(request: pytest.FixtureRequest) -> None:
    """The seeded category tree, also after a transactional test in the same worker flushed it."""
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            from shouwang.incidents.seed import ensure_categories

            ensure_categories()
            return


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()
