"""A year of hazards for the demo city, written in bulk.

Hazard is a multi-table child of Case, which `bulk_create` cannot insert, so the case rows and
the hazard rows (`case_ptr_id` + hazard fields) are written as plain multi-row INSERTs with ids
chosen here (see `demo.rawsql`). Every field the actions fill is filled the same way, and each
hazard gets the transitions and audit rows its story would have left behind (`demo.story`).

The mix follows the seeds: about 85% production safety, fire a large share of campaign finds,
grades mostly 一般, some 较大, few 重大; about a week from registration to closure.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from random import Random
from typing import Any

import h3
from django.utils import timezone

from shouwang.cases.actions import sla_hours
from shouwang.cases.choices import CaseState
from shouwang.cases.kinds import search_text
from shouwang.cases.models import Case
from shouwang.demo import texts
from shouwang.demo.campaigns import Find, work_time
from shouwang.demo.city import DemoCity, GridRef, PremisesRef
from shouwang.demo.geo import RESOLUTION, random_point
from shouwang.demo.history import History
from shouwang.demo.names import mobile, person
from shouwang.demo.photos import stock_photos
from shouwang.demo.plan import CITY_NAME
from shouwang.demo.rawsql import RawTable
from shouwang.demo.replay import Assignment, Replay
from shouwang.demo.story import (
    DAY,
    HOUR,
    MINUTE,
    RECTIFY_MEDIAN_DAYS,
    RECTIFY_SIGMA,
    Cast,
    Plot,
    exponential,
    lognormal,
    steps_of,
)
from shouwang.hazards.choices import HazardGrade, HazardSource
from shouwang.hazards.kind import HAZARD_KIND
from shouwang.hazards.models import Hazard
from shouwang.orgs.models import User

BATCH = 5_000
HAZARDS_PER_SCALE = 2_000
CAMPAIGN_SHARE = 0.15

# Day-to-day finds. With the campaigns' (below), production safety comes to about 85%.
DAILY_CATEGORIES = {
    "production": 0.93,
    "fire": 0.03,
    "public_order": 0.01,
    "traffic": 0.015,
    "environment": 0.01,
    "other": 0.005,
}
CAMPAIGN_CATEGORIES = {"fire": 0.45, "production": 0.50, "public_order": 0.05}
GRADES: dict[str, float] = {
    HazardGrade.GENERAL: 0.80,
    HazardGrade.SIGNIFICANT: 0.16,
    HazardGrade.MAJOR: 0.04,
}
SOURCES: dict[str, float] = {
    HazardSource.INSPECTION: 0.72,
    HazardSource.REPORT: 0.15,
    HazardSource.IMPORT: 0.08,
    HazardSource.OTHER: 0.05,
}
# Premises types that each category's templates fit.
FITS = {
    c: {t for tpl in texts.TEMPLATES if tpl.category == c for t in tpl.types}
    for c in DAILY_CATEGORIES
}
# Where a category's hazards are found: the share at a premises (the rest are in the street).
AT_PREMISES = {"production": 1.0, "public_order": 1.0, "fire": 0.75, "environment": 0.4}


@dataclass(slots=True)
class Slot:
    created_at: datetime
    found_at: datetime
    source: str
    find: Find | None


def _pick(rng: Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class HazardWriter:
    def __init__(self, city: DemoCity, rng: Random, now: datetime, history: History) -> None:
        self.city = city
        self.rng = rng
        self.now = now
        self.history = history
        self.cases = RawTable(Case)
        self.hazards = RawTable(Hazard)
        self.next_id = self.cases.next_id()
        self.case_rows: list[dict[str, Any]] = []
        self.hazard_rows: list[dict[str, Any]] = []
        self.photos = stock_photos()
        self.sla = {g: sla_hours(HAZARD_KIND.name, g) for g in HazardGrade.values}
        self.ledger_seq = 0
        first_station = city.grids[0].chain[2].pk
        weights = [
            math.exp(rng.gauss(0, 0.7))
            * (1.3 if g.urban else 1.0)
            * (3.0 if g.chain[2].pk == first_station else 1.0)
            for g in city.grids
        ]
        self.cum_weights = [sum(weights[: i + 1]) for i in range(len(weights))]
        self.first_company_premises = [
            (g, p)
            for g in city.grids
            for p in g.premises
            if p.organisation is not None and p.organisation.pk == city.first_company.pk
        ]

    # -- what, where, when ---------------------------------------------------------------

    def slots(self, total: int, finds: list[Find]) -> list[Slot]:
        """Every hazard's registration time, in order; campaign finds at their checks."""
        rng, now = self.rng, self.now
        today = timezone.localdate(now)
        slots: list[Slot] = []
        for find in finds:
            for _ in range(find.hazards):
                found = find.checked_at + timedelta(minutes=rng.randint(0, 30))
                created = min(found + timedelta(minutes=rng.randint(5, 180)), now)
                slots.append(Slot(created, min(found, created), HazardSource.CAMPAIGN, find))
        for _ in range(max(0, total - len(slots))):
            day = today - timedelta(days=rng.randrange(365))
            if rng.random() < 0.85:
                found = work_time(day, rng)
            else:
                midnight = timezone.make_aware(datetime.combine(day, time.min)).astimezone(UTC)
                found = midnight + timedelta(seconds=rng.randrange(86400))
            source = _pick(rng, SOURCES)
            created = found + exponential(rng, 2 * HOUR)
            if source == HazardSource.IMPORT:
                # A ledger kept on paper or in Excel is entered days or weeks later.
                created = found + timedelta(days=rng.uniform(3, 45))
            created = min(created, now - timedelta(seconds=rng.randint(60, 3600)))
            slots.append(Slot(created, min(found, created), source, None))
        slots.sort(key=lambda s: s.created_at)
        return slots

    def _grid(self) -> GridRef:
        i = bisect.bisect_left(self.cum_weights, self.rng.random() * self.cum_weights[-1])
        return self.city.grids[min(i, len(self.city.grids) - 1)]

    def _premises(self, grid: GridRef, category: str) -> PremisesRef | None:
        rng = self.rng
        if rng.random() >= AT_PREMISES.get(category, 0.0) or not grid.premises:
            return None
        fitting = [p for p in grid.premises if p.type in FITS[category]]
        return rng.choice(fitting or grid.premises)

    def _campaign_category(self, premises: PremisesRef) -> str:
        fitting = {c: w for c, w in CAMPAIGN_CATEGORIES.items() if premises.type in FITS[c]}
        return _pick(self.rng, fitting or CAMPAIGN_CATEGORIES)

    # -- one hazard ----------------------------------------------------------------------

    def write(self, slots: list[Slot], progress: Callable[[int, int], None] | None = None) -> None:
        p_first = max(0.005, 12 / max(len(slots), 1))
        for done, slot in enumerate(slots, 1):
            self._one(slot, p_first)
            if len(self.case_rows) >= BATCH:
                self.flush()
                if progress:
                    progress(done, len(slots))
        self.flush()

    def flush(self) -> None:
        self.cases.insert(self.case_rows)
        self.hazards.insert(self.hazard_rows)
        self.history.flush()
        self.case_rows, self.hazard_rows = [], []

    def _one(self, slot: Slot, p_first: float) -> None:
        rng = self.rng
        force_org = False
        premises: PremisesRef | None
        if slot.find is not None:
            grid, premises = slot.find.grid, slot.find.premises
            category = self._campaign_category(premises)
            registrar = slot.find.checker
        elif self.first_company_premises and rng.random() < p_first:
            # Enough work for the `company` login to see.
            grid, premises = rng.choice(self.first_company_premises)
            category = "production" if rng.random() < 0.8 else "fire"
            registrar = grid.worker
            force_org = True
        else:
            grid = self._grid()
            category = _pick(rng, DAILY_CATEGORIES)
            premises = self._premises(grid, category)
            registrar = self._registrar(grid, slot.source)
        template = texts.pick(rng, category, premises.type if premises else None)
        if premises is not None:
            lat, lon, address, place = premises.lat, premises.lon, premises.address, premises.name
        else:
            lat, lon = random_point(rng.choice(grid.cells), rng)
            road = f"{rng.choice(grid.roads)}{rng.randint(1, 399)}号附近"
            address, place = f"{CITY_NAME}{grid.district.name}{road}", road
        title = (
            f"{premises.name}{template.title}"
            if premises and rng.random() < 0.6
            else (template.title)
        )
        org = premises.organisation if premises else None
        if org is not None:
            responsible = (org.name, org.contact_name, org.contact_phone)
        elif premises is not None:
            responsible = (premises.name, person(rng), mobile(rng))
        else:
            responsible = ("", "", "")
        assign_org = org if org is not None and (force_org or rng.random() < 0.85) else None
        by_user = assign_org is None and rng.random() < 0.65
        submitter = self.city.company_users[assign_org.pk] if assign_org else grid.worker
        verifiers = tuple(rng.sample(grid.officers, len(grid.officers)))
        cast = Cast(registrar, grid.chief, submitter, verifiers)
        plot = self._plot(slot.source)
        steps, deadline = steps_of(
            plot,
            cast,
            created_at=slot.created_at,
            sla=self.sla[plot.grade],
            escalation_levels=len(grid.chain),
            now=self.now,
            rng=rng,
        )
        hazard_id = self.next_id
        self.next_id += 1
        ledger_ref = ""
        if slot.source == HazardSource.IMPORT:
            self.ledger_seq += 1
            ledger_ref = f"TZ{slot.found_at.year}{self.ledger_seq:06d}"
        case: dict[str, Any] = {
            "id": hazard_id,
            "kind": HAZARD_KIND.name,
            "title": title,
            "state": CaseState.REGISTERED,
            "grade": "",
            "unit_id": grid.unit.pk,
            "assignee_unit_id": None,
            "assignee_user_id": None,
            "assignee_org_id": None,
            "deadline": None,
            "is_overdue": False,
            "escalation_level": 0,
            "escalated_to_id": None,
            "created_by_id": registrar.pk,
            "created_at": slot.created_at,
            "updated_at": slot.created_at,
            "graded_at": None,
            "assigned_at": None,
            "assigned_by_id": None,
            "submitted_at": None,
            "submitted_by_id": None,
            "closed_at": None,
            "closed_by_id": None,
            "cancel_reason": "",
            "search_text": search_text(title, address, responsible[0], ledger_ref),
        }
        hazard: dict[str, Any] = {
            "case_ptr_id": hazard_id,
            "category": category,
            "description": template.description.format(place=place),
            "source": slot.source,
            "found_at": slot.found_at,
            "address": address,
            "lat": lat,
            "lon": lon,
            "h3_cell": str(h3.latlng_to_cell(lat, lon, RESOLUTION)),
            "premises_id": premises.pk if premises else None,
            "campaign_id": slot.find.campaign.pk if slot.find and slot.find.campaign else None,
            "responsible_name": responsible[0],
            "responsible_contact": responsible[1],
            "responsible_phone": responsible[2],
            "requirement": "",
            "ledger_ref": ledger_ref,
        }
        assignment = Assignment(
            unit=grid.unit if not by_user and assign_org is None else None,
            user=grid.worker if by_user else None,
            organisation=assign_org,
            requirement=template.requirement,
        )
        Replay(
            history=self.history,
            photos=self.photos,
            rng=rng,
            grid=grid,
            case=case,
            hazard=hazard,
            grade=plot.grade,
            deadline=deadline,
            assignment=assignment,
        ).run(steps)
        self.case_rows.append(case)
        self.hazard_rows.append(hazard)

    def _registrar(self, grid: GridRef, source: str) -> User:
        if source == HazardSource.IMPORT:
            return grid.chief
        if source == HazardSource.REPORT or self.rng.random() < 0.2:
            return self.rng.choice(grid.officers)
        return grid.worker

    def _plot(self, source: str) -> Plot:
        rng = self.rng
        grade = _pick(rng, GRADES)
        grade_delay = (
            exponential(rng, 6 * HOUR) if rng.random() < 0.85 else exponential(rng, 4 * DAY)
        ) + MINUTE
        draw = rng.random()
        assign_delay = (
            timedelta(minutes=rng.randint(2, 30))
            if draw < 0.5
            else exponential(rng, 10 * HOUR) + MINUTE
            if draw < 0.9
            # Some wait for days: the responsible party has to be found first.
            else exponential(rng, 4 * DAY) + MINUTE
        )
        median = timedelta(days=RECTIFY_MEDIAN_DAYS[grade])
        return Plot(
            photo_before=rng.random() < (0.5 if source in _IN_PERSON else 0.2),
            grade=grade,
            grade_delay=grade_delay,
            assign_delay=assign_delay,
            stalled=rng.random() < 0.06,
            rectify=lognormal(rng, median, RECTIFY_SIGMA) + HOUR,
            rejected=rng.random() < 0.07,
            cancel_after=lognormal(rng, 2 * DAY, 1.0) if rng.random() < 0.04 else None,
            submit_note=rng.choice(texts.SUBMIT_NOTES),
            reject_note=rng.choice(texts.REJECT_NOTES),
            verify_note=rng.choice(texts.VERIFY_NOTES),
            cancel_reason=rng.choice(texts.CANCEL_REASONS),
        )


_IN_PERSON = {HazardSource.INSPECTION, HazardSource.CAMPAIGN}
