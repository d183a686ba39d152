from __future__ import annotations

from django.test import Client

from shouwang.common.paging import CappedPaginator, capped_count
from shouwang.common.testing import POINT_A, Cast
from shouwang.hazards.actions import do_register_hazard
from shouwang.hazards.choices import HazardCategory
from shouwang.hazards.models import Hazard


def make_hazards(cast: Cast, n: int) -> None:
    for i in range(n):
        do_register_hazard(
            actor=cast.bob,
            title=f"隐患{i}",
            category=HazardCategory.OTHER,
            description="d",
            lat=POINT_A[0],
            lon=POINT_A[1],
        )


def test_the_count_is_exact_up_to_the_cap_and_capped_beyond(cast: Cast) -> None:
    make_hazards(cast, 4)
    assert capped_count(Hazard.objects.all(), cap=4) == (4, False)
    assert capped_count(Hazard.objects.all(), cap=3) == (3, True)
    paginator = CappedPaginator(Hazard.objects.order_by("pk"), 2)
    paginator.cap = 3
    assert paginator.count == 3 and paginator.capped and paginator.num_pages == 2


def test_the_list_and_the_api_say_when_the_count_is_capped(
    cast: Cast, client: Client, monkeypatch: object
) -> None:
    import shouwang.common.paging as paging

    make_hazards(cast, 3)
    monkeypatch.setattr(paging, "COUNT_CAP", 2)  # type: ignore[attr-defined]
    client.force_login(cast.alice)
    page = client.get("/hazards/").content.decode()
    assert "超过 2 条" in page
    body = client.get("/api/v1/hazards/").json()
    assert body["count"] == 2 and body["count_capped"] is True and len(body["items"]) == 3
