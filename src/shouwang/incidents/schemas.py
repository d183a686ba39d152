"""Shapes of the incidents API: /api/v1/incidents/."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ninja import Schema
from pydantic import Field

from shouwang.common import api as common_api
from shouwang.common.params import IsoDate
from shouwang.incidents.choices import DutyLevel, IncidentSource, Period

if TYPE_CHECKING:
    from shouwang.incidents.actions import ImportResult
    from shouwang.incidents.duty import Recommendation
    from shouwang.incidents.models import DutyDecision, Incident
    from shouwang.incidents.periods import Comparison
    from shouwang.orgs.models import Unit


class PageIn(common_api.PageIn):
    # incidents are small rows read in bulk by map clients: larger pages than elsewhere
    limit: int = Field(50, ge=1, le=500, description="rows per page (at most 500)")


class UnitRef(Schema):
    id: int
    code: str
    name: str

    @classmethod
    def of(cls, unit: Unit) -> UnitRef:
        return cls(id=unit.pk, code=unit.code, name=unit.name)


class IncidentOut(Schema):
    id: int
    occurred_at: datetime
    category: str = Field(description="category code")
    category_name: str
    lat: float
    lon: float
    h3_cell: str
    address: str
    unit: UnitRef
    source: IncidentSource
    source_system: str
    external_id: str
    raw_x: float | None
    raw_y: float | None
    raw_crs: str

    @classmethod
    def of(cls, i: Incident) -> IncidentOut:
        return cls(
            id=i.pk,
            occurred_at=i.occurred_at,
            category=i.category.code,
            category_name=i.category.label,
            lat=i.lat,
            lon=i.lon,
            h3_cell=i.h3_cell,
            address=i.address,
            unit=UnitRef.of(i.unit),
            source=IncidentSource(i.source),
            source_system=i.source_system,
            external_id=i.external_id,
            raw_x=i.raw_x,
            raw_y=i.raw_y,
            raw_crs=i.raw_crs,
        )


class IncidentListOut(Schema):
    count: int
    count_capped: bool
    limit: int
    offset: int
    items: list[IncidentOut]


class RowErrorOut(Schema):
    row: int | None = Field(description="spreadsheet row (the header is row 1); null: the file")
    column: str = Field(description="Excel column letter")
    header: str
    value: str
    message: str


class DuplicateOut(Schema):
    row: int
    of_row: int | None = Field(description="an earlier row of the same file")
    of_incident: int | None = Field(
        description="an incident already stored; null when it lies outside the importer's "
        "jurisdiction (it is still a duplicate: the external id is unique in the city)"
    )
    by_external_id: bool


class ImportOut(Schema):
    filename: str
    rows: int
    imported: int
    dry_run: bool
    errors: list[RowErrorOut]
    duplicates: list[DuplicateOut]

    @classmethod
    def of(cls, r: ImportResult) -> ImportOut:
        return cls(
            filename=r.filename,
            rows=r.rows,
            imported=r.imported,
            dry_run=r.dry_run,
            errors=[RowErrorOut(**e.__dict__) for e in r.errors],
            duplicates=[DuplicateOut(**d.__dict__) for d in r.duplicates],
        )


class ForecastIn(Schema):
    unit: str = Field("", description="unit code; default the caller's own unit")
    start: IsoDate | None = Field(None, description="first day of the window; default today")
    horizon: int = Field(7, description="days: 7, 14 or 30")
    cell: str = Field(
        "250",
        description="cells: squares of 150, 250 or 500 metres, or H3 hexagons of resolution 8 "
        "(h3-8, ~0.7 km²) or 9 (h3-9, ~0.1 km²)",
    )
    model: str = Field(
        "best",
        description="a model of the hotspots engine: naive, naive_all, kde, prospective, sepp, "
        "etas or best (the default; docs/hotspots.md)",
    )
    flag: str = Field("1", description="percent of the area flagged: 1 or 5")
    shift: int | None = Field(
        None,
        description="one 8-hour shift of `start` instead of the window: 0 (00-08), 1 (08-16) "
        "or 2 (16-24) local time; the map of that band of the day",
    )
    category: list[str] = Field(default_factory=list)


class TrendsIn(Schema):
    unit: str = Field("", description="unit code; default the caller's own unit")
    period: Period = Period.WEEK
    category: list[str] = Field(default_factory=list)


class ComparisonOut(Schema):
    start: date
    end: date = Field(description="exclusive")
    count: int
    previous: int | None = Field(
        description="the period before (环比 base); null when the data does not cover it"
    )
    last_year: int | None = Field(
        description="the same period a year earlier (同比 base); null when not covered"
    )
    mom_percent: float | None = Field(description="环比")
    yoy_percent: float | None = Field(description="同比")

    @classmethod
    def of(cls, c: Comparison) -> ComparisonOut:
        return cls(
            start=c.start,
            end=c.end,
            count=c.count,
            previous=c.previous,
            last_year=c.last_year,
            mom_percent=c.mom,
            yoy_percent=c.yoy,
        )


class AlertOut(Schema):
    week: date
    observed: int
    expected: float | None
    upper: float | None
    alert: bool


class TrendRowOut(Schema):
    code: str
    name: str
    comparison: ComparisonOut
    alert: AlertOut | None = None


class TrendsOut(Schema):
    unit: UnitRef
    period: Period
    comparison: ComparisonOut
    alert: AlertOut
    units: list[TrendRowOut]
    categories: list[TrendRowOut]


class DutyOut(Schema):
    unit: UnitRef
    day: date
    recommended_level: DutyLevel
    reasons: list[dict[str, Any]]
    decided_level: DutyLevel | None
    accepted: bool | None

    @classmethod
    def of(cls, r: Recommendation) -> DutyOut:
        return cls(
            unit=UnitRef.of(r.station),
            day=r.day,
            recommended_level=DutyLevel(r.level),
            reasons=r.reasons,
            decided_level=DutyLevel(r.decision.level) if r.decision else None,
            accepted=r.decision.accepted if r.decision else None,
        )


class DecisionIn(Schema):
    unit: str = Field(description="station code")
    day: IsoDate
    level: DutyLevel
    reason: str = Field("", max_length=500, description="required when overriding")


class DecisionOut(Schema):
    id: int
    unit: UnitRef
    day: date
    recommended_level: DutyLevel
    level: DutyLevel
    accepted: bool
    reason: str
    decided_at: datetime

    @classmethod
    def of(cls, d: DutyDecision) -> DecisionOut:
        return cls(
            id=d.pk,
            unit=UnitRef.of(d.unit),
            day=d.day,
            recommended_level=DutyLevel(d.recommended_level),
            level=DutyLevel(d.level),
            accepted=d.accepted,
            reason=d.reason,
            decided_at=d.decided_at,
        )
