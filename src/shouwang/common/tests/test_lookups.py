"""``__in_many`` finds the same rows as ``__in``, for more values than one statement may carry
as parameters, on SQLite and PostgreSQL alike."""

import pytest

from shouwang.common.testing import Cast
from shouwang.orgs.models import User

pytestmark = pytest.mark.django_db


def test_in_many_matches_in(cast: Cast) -> None:
    names = ["alice", "bob", "nobody", "名字", "o'brien"]
    expected = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    assert expected == {"alice", "bob"}
    found = User.objects.filter(username__in_many=names).values_list("username", flat=True)
    assert set(found) == expected


def test_in_many_takes_more_values_than_a_statement_has_parameters(cast: Cast) -> None:
    names = [f"user-{i}" for i in range(40_000)] + ["carol"]
    found = User.objects.filter(username__in_many=names).values_list("username", flat=True)
    assert list(found) == ["carol"]


def test_in_many_of_nothing_is_empty(cast: Cast) -> None:
    assert not User.objects.filter(username__in_many=[]).exists()
    assert User.objects.exclude(username__in_many=[]).count() == User.objects.count()
