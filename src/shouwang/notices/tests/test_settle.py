"""Settling a cause reads its notices and the ones that extend its key, and no neighbour's;
the lookup goes through the stored cause, which an index serves."""

from typing import Any

import pytest

from shouwang.common.testing import Cast
from shouwang.notices.actions import do_notify, do_settle, unread_counts
from shouwang.notices.choices import NoticeKind
from shouwang.notices.models import Notice, cause_of

pytestmark = pytest.mark.django_db


def test_the_cause_is_the_kind_and_id_of_the_key() -> None:
    assert cause_of("task:7") == "task:7"
    assert cause_of("task:7:handed") == "task:7"
    assert cause_of("request:7:late:1") == "request:7"
    assert cause_of("proposals") == "proposals"


def _notify(cast: Cast, key: str, *, urgent: bool = False) -> None:
    do_notify(
        [cast.alice], kind=NoticeKind.CASE_OVERDUE, params={}, url="/", key=key, urgent=urgent
    )


def test_settling_reads_the_cause_and_its_extensions_only(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    for key in ("case:1", "case:1:overdue:1", "case:1:assigned:x", "case:10:assigned:y", "case:12"):
        _notify(cast, key)
    assert set(Notice.objects.values_list("cause", flat=True)) == {"case:1", "case:10", "case:12"}
    assert do_settle("case:1:assigned") == 1
    assert do_settle("case:1") == 2
    unread = Notice.objects.filter(read_at__isnull=True)
    assert sorted(unread.values_list("key", flat=True)) == ["case:10:assigned:y", "case:12"]
    with django_assert_num_queries(1) as captured:
        do_settle("case:12")
    assert "cause" in captured.captured_queries[0]["sql"]


def test_the_bell_counts_in_one_query(cast: Cast, django_assert_num_queries: Any) -> None:
    _notify(cast, "case:1")
    _notify(cast, "case:2", urgent=True)
    _notify(cast, "case:3")
    do_settle("case:3")
    with django_assert_num_queries(1):
        assert unread_counts(cast.alice) == (2, 1)
