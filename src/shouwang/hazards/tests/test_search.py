from __future__ import annotations

from shouwang.cases.actions import do_grade_case
from shouwang.common.testing import POINT_A, Cast
from shouwang.hazards.actions import do_assign_hazard, do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.hazards.filters import HazardFilter
from shouwang.hazards.models import Hazard


def found(q: str = "", unit: str = "") -> set[int]:
    flt = HazardFilter(q=q, unit=unit)
    return set(flt.apply(Hazard.objects.all()).values_list("pk", flat=True))


def test_the_text_search_reads_title_address_responsible_party_and_ledger_ref(cast: Cast) -> None:
    hazard = do_register_hazard(
        actor=cast.bob,
        title="KTV 安全出口锁闭",
        category=HazardCategory.FIRE,
        description="营业期间锁闭",
        lat=POINT_A[0],
        lon=POINT_A[1],
        address="东门路 18 号",
        responsible_name="欢唱娱乐有限公司",
        ledger_ref="TZ2026-0042",
    )
    other = do_register_hazard(
        actor=cast.bob,
        title="井盖缺失",
        category=HazardCategory.TRAFFIC,
        description="x",
        lat=POINT_A[0],
        lon=POINT_A[1],
    )
    assert found("ktv") == {hazard.pk}  # case-insensitive
    assert found("东门路") == {hazard.pk}
    assert found("欢唱") == {hazard.pk}
    assert found("tz2026-0042") == {hazard.pk}
    assert found(hazard.reference) == {hazard.pk}
    assert found("井盖") == {other.pk}
    assert found("营业期间") == set()  # the description is not searched


def test_assigning_to_a_company_makes_it_searchable(cast: Cast) -> None:
    hazard = do_register_hazard(
        actor=cast.bob,
        title="配电箱",
        category=HazardCategory.PRODUCTION,
        description="x",
        lat=POINT_A[0],
        lon=POINT_A[1],
    )
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    do_assign_hazard(hazard, requirement="整改", organisation=cast.company, actor=cast.alice)
    assert found("五金厂") == {hazard.pk}


def test_the_unit_filter_takes_the_subtree_of_a_code(cast: Cast) -> None:
    hazard = do_register_hazard(
        actor=cast.bob,
        title="x",
        category=HazardCategory.OTHER,
        description="x",
        lat=POINT_A[0],
        lon=POINT_A[1],
    )
    assert found(unit=cast.district_a.code) == {hazard.pk}
    assert found(unit=cast.station_a.code) == {hazard.pk}
    assert found(unit=cast.district_b.code) == set()
    assert found(unit="000000") == set()
