"""The demo year's inspection campaigns (集中排查统一行动) and the premises checked in them.

Campaigns are created with `do_create_campaign`. Their checks are written in bulk, with the
times they were made and an audit row each, as `do_record_check` would have written them;
the checks that found something become the campaign's hazards (see `demo.hazards`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from random import Random

from django.utils import timezone

from shouwang.audit.models import AuditEvent
from shouwang.demo.city import DemoCity, GridRef, PremisesRef
from shouwang.demo.history import History
from shouwang.hazards.actions import do_create_campaign
from shouwang.hazards.choices import CheckResult
from shouwang.hazards.models import Campaign, CampaignCheck
from shouwang.orgs.models import Unit, User


@dataclass
class Find:
    """A campaign check that found hazards: how many, where, when and by whom."""

    grid: GridRef
    premises: PremisesRef
    checked_at: datetime
    checker: User
    hazards: int = 1
    campaign: Campaign | None = None


@dataclass(frozen=True)
class _Plan:
    name: str
    description: str
    types: tuple[str, ...]
    start_days_ago: int
    days: int


_PLANS = (
    _Plan(
        "冬春火灾防控集中排查统一行动",
        "全市集中排查出租房屋、人员密集场所和仓储物流场所的消防安全隐患。",
        ("rental", "restaurant", "shop", "entertainment", "hotel", "market", "warehouse"),
        320,
        90,
    ),
    _Plan(
        "安全生产大检查百日行动",
        "对工厂企业、仓储物流和建筑工地开展安全生产大检查。",
        ("factory", "warehouse", "construction"),
        160,
        100,
    ),
    _Plan(
        "出租房屋消防安全专项整治",
        "辖区出租房屋、小旅馆和小餐饮场所消防安全专项整治。",
        ("rental", "hotel", "restaurant"),
        25,
        60,
    ),
)


def work_time(day: date, rng: Random) -> datetime:
    """A moment in office hours (08:30-17:30 local time) of `day`, in UTC."""
    minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    local = datetime.combine(day, time(minutes // 60, minutes % 60, rng.randrange(60)))
    return timezone.make_aware(local).astimezone(UTC)


def make_campaigns(
    city: DemoCity, rng: Random, now: datetime, history: History, hazard_budget: int
) -> list[Find]:
    """Create the campaigns and their checks; return the checks that found hazards, with
    about `hazard_budget` hazards spread over them."""
    today = timezone.localdate(now)
    first_district = city.districts[0]
    some = sorted(rng.sample(city.districts, min(3, len(city.districts))), key=lambda u: u.code)
    scopes: list[tuple[Unit, list[Unit], User]] = [
        (city.city, list(city.districts), city.command),
        (city.city, some, city.command),
        (first_district, [first_district], city.district_chiefs[first_district.pk]),
    ]
    drawn: list[tuple[Campaign, list[_Check]]] = []
    for plan, (unit, scope, organiser) in zip(_PLANS, scopes, strict=True):
        starts = today - timedelta(days=plan.start_days_ago)
        ends = starts + timedelta(days=plan.days)
        campaign = do_create_campaign(
            actor=organiser,
            name=f"{starts.year}年{plan.name}",
            unit=unit,
            scope_units=scope,
            premises_types=list(plan.types),
            starts_on=starts,
            ends_on=ends,
            description=plan.description,
        )
        created = work_time(starts - timedelta(days=7), rng)
        Campaign.objects.filter(pk=campaign.pk).update(created_at=created)
        AuditEvent.objects.filter(
            action="campaign.create", object_type="hazards.campaign", object_id=str(campaign.pk)
        ).update(at=created)
        # Checks are made up to yesterday, so none of them lies in the future.
        last_day = min(ends, today - timedelta(days=1))
        drawn.append((campaign, _draw_checks(city, scope, plan, starts, last_day, rng)))
    finds = [c.find for _, checks in drawn for c in checks if c.find is not None]
    _share(finds, hazard_budget, rng)
    for campaign, checks in drawn:
        _write_checks(campaign, checks, history)
    return [f for f in finds if f.hazards > 0]


@dataclass
class _Check:
    grid: GridRef
    premises: PremisesRef
    at: datetime
    result: str
    find: Find | None


def _draw_checks(
    city: DemoCity, scope: list[Unit], plan: _Plan, starts: date, last_day: date, rng: Random
) -> list[_Check]:
    scope_ids = {u.pk for u in scope}
    days = max((last_day - starts).days, 0)
    share = 0.75 * min(1.0, days / plan.days)
    checks: list[_Check] = []
    for grid in city.grids:
        if grid.district.pk not in scope_ids:
            continue
        for premises in grid.premises:
            if premises.type not in plan.types or rng.random() >= share:
                continue
            at = work_time(starts + timedelta(days=rng.randint(0, days)), rng)
            draw = rng.random()
            if draw < 0.35:
                find = Find(grid, premises, at, grid.worker, hazards=0)
                checks.append(_Check(grid, premises, at, CheckResult.HAZARDS, find))
            else:
                result = CheckResult.CLOSED if draw > 0.97 else CheckResult.OK
                checks.append(_Check(grid, premises, at, result, None))
    return checks


def _share(finds: list[Find], budget: int, rng: Random) -> None:
    """Give one hazard to as many finds as the budget allows, then spread the rest."""
    if not finds:
        return
    order = list(range(len(finds)))
    rng.shuffle(order)
    for i in order[:budget]:
        finds[i].hazards = 1
    for _ in range(max(0, budget - len(finds))):
        finds[rng.randrange(len(finds))].hazards += 1


def _write_checks(campaign: Campaign, checks: list[_Check], history: History) -> None:
    rows: list[CampaignCheck] = []
    for check in checks:
        result = check.result
        if check.find is not None:
            check.find.campaign = campaign
            if check.find.hazards == 0:
                # Out of budget: this check found nothing after all.
                result = CheckResult.OK
        rows.append(
            CampaignCheck(
                campaign=campaign,
                premises_id=check.premises.pk,
                result=result,
                note="",
                checked_by=check.grid.worker,
                checked_at=check.at,
            )
        )
        history.audit_event(
            actor=check.grid.worker,
            action="campaign.check",
            at=check.at,
            object_type="hazards.campaign",
            object_id=campaign.pk,
            object_label=str(campaign),
            unit_id=check.grid.unit.pk,
            detail={"premises": check.premises.pk, "result": result},
        )
    CampaignCheck.objects.bulk_create(rows, batch_size=1000)
