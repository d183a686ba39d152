"""A year of demo incidents (警情) for the demo city, with hotspots that persist, a weekly and
yearly rhythm, and a few planned events: enough for the trend, map, duty and patrol pages to
show something real.

Deterministic: the generator's own `Random`, seeded apart from the hazards' so that adding
incidents does not change the hazards the rest of the demo makes. ~10,000 rows at scale 1,
written with `bulk_create` (a second or two on SQLite).
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from random import Random

from django.utils import timezone

from shouwang.demo.city import DemoCity
from shouwang.demo.geo import random_point
from shouwang.demo.plan import CITY_NAME
from shouwang.incidents.choices import EventKind, IncidentSource
from shouwang.incidents.models import ImportMapping, Incident, IncidentCategory, ScheduledEvent
from shouwang.incidents.seed import ensure_categories

INCIDENTS_PER_SCALE = 10_000
SOURCE_SYSTEM = "110 接处警系统"
# Leaf categories and their share of calls for service (the seeds' 110 mix: help and
# disputes lead, crime is a fifth).
MIX = {
    "missing_person": 3, "lost_property": 9, "medical": 10,
    "neighbour_dispute": 8, "family_dispute": 6, "labour_dispute": 3, "consumer_dispute": 4,
    "traffic_accident": 12, "congestion": 4, "drunk_driving": 2,
    "fight": 6, "gambling": 2, "disturbance": 5,
    "burglary": 4, "vehicle_theft": 3, "theft": 8, "fraud": 3, "robbery": 1, "assault": 2,
    "fire": 2, "other": 3,
}  # fmt: skip
# Calls by hour of day: quiet before dawn, peaks in the evening.
HOURS = [3, 2, 1, 1, 1, 2, 3, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 8, 9, 9, 8, 7, 5, 4]
WEEKDAY = [1.0, 0.95, 0.95, 1.0, 1.15, 1.25, 1.1]
HOT_SHARE = 0.06  # of the city's H3 cells: where incidents keep happening
# Public holidays on fixed dates: (name, month, day, days off). The demo plans the next one after
# its clock, so a holiday never lands in the wrong season; the lunar ones (春节, 端午, 中秋)
# move every year and are left out.
HOLIDAYS = (("元旦假期", 1, 1, 3), ("劳动节假期", 5, 1, 5), ("国庆假期", 10, 1, 7))


def next_holiday(today: date) -> tuple[str, date, date]:
    """The first holiday of `HOLIDAYS` that has not ended by `today`: name, first and last day."""
    for year in (today.year, today.year + 1):
        for name, month, day, days in HOLIDAYS:
            starts = date(year, month, day)
            ends = starts + timedelta(days=days - 1)
            if ends >= today:
                return name, starts, ends
    raise AssertionError("every year has a 元旦")


def _daily_weight(day: date) -> float:
    season = 1.0 + 0.15 * math.sin((day.timetuple().tm_yday - 100) / 365.0 * 2 * math.pi)
    return WEEKDAY[day.weekday()] * season


def make_incidents(city: DemoCity, rng: Random, now: datetime, scale: float = 1.0) -> int:
    """Write a year of incidents up to `now`, the 110 mapping, and planned events."""
    ensure_categories()
    total = round(INCIDENTS_PER_SCALE * scale)
    categories = {c.code: c for c in IncidentCategory.objects.filter(code__in=MIX)}
    codes = [c for c in MIX if c in categories]
    weights = [MIX[c] for c in codes]
    cells = [(cell, ref) for ref in city.grids for cell in ref.cells]
    hot = set(rng.sample(range(len(cells)), max(1, round(len(cells) * HOT_SHARE))))
    cell_weights = [
        (12.0 if i in hot else 1.0) * (3.0 if ref.urban else 1.0)
        for i, (_cell, ref) in enumerate(cells)
    ]
    today = timezone.localdate(now)
    days = [today - timedelta(days=d) for d in range(365, 0, -1)]
    day_weights = [_daily_weight(d) for d in days]
    tz = timezone.get_current_timezone()
    picked_days = rng.choices(days, weights=day_weights, k=total)
    picked_cells = rng.choices(range(len(cells)), weights=cell_weights, k=total)
    picked_codes = rng.choices(codes, weights=weights, k=total)
    hours = rng.choices(range(24), weights=HOURS, k=total)
    rows = []
    for n, (day, ci, code, hour) in enumerate(
        sorted(zip(picked_days, picked_cells, picked_codes, hours, strict=True)), start=1
    ):
        cell, ref = cells[ci]
        lat, lon = random_point(cell, rng)
        at = timezone.make_aware(datetime.combine(day, time(hour, rng.randrange(60))), tz)
        rows.append(
            Incident(
                occurred_at=at,
                category=categories[code],
                lat=lat,
                lon=lon,
                h3_cell=cell,
                address=f"{CITY_NAME}{ref.district.name}{rng.choice(ref.roads)}附近",
                unit=ref.unit,
                source=IncidentSource.CALL,
                source_system=SOURCE_SYSTEM,
                external_id=f"JQ{day:%Y%m%d}{n:06d}",
                raw_x=lon,
                raw_y=lat,
                raw_crs="EPSG:4326",
                created_at=at + timedelta(minutes=rng.randint(2, 40)),
            )
        )
    Incident.objects.bulk_create(rows, batch_size=2000)
    _mapping_and_events(city, rng, today)
    return total


def _mapping_and_events(city: DemoCity, rng: Random, today: date) -> None:
    ImportMapping.objects.create(
        name=SOURCE_SYSTEM,
        unit=city.city,
        source=IncidentSource.CALL,
        time_column="报警时间",
        category_column="警情类别",
        category_values={"车辆被盗": "vehicle_theft", "盗窃(入室)": "burglary"},
        x_column="经度",
        y_column="纬度",
        crs="EPSG:4326",
        address_column="地址",
        external_id_column="警情编号",
        created_by=city.command,
    )
    urban = [ref for ref in city.grids if ref.urban] or city.grids
    station = urban[0].chain[2]
    other = rng.choice(urban).chain[2]
    soon = today + timedelta(days=(5 - today.weekday()) % 7 or 7)  # the coming Saturday
    holiday, holiday_starts, holiday_ends = next_holiday(today)
    for name, kind, unit, starts, ends, crowd in [
        (f"{CITY_NAME}城市马拉松", EventKind.SPORTS, station, soon, soon, 30_000),
        ("滨江音乐节", EventKind.LARGE_EVENT, other, today + timedelta(days=2),
         today + timedelta(days=3), 8_000),
        # City-wide, with no one crowd to count: the page shows no number for it.
        (holiday, EventKind.HOLIDAY, city.city, holiday_starts, holiday_ends, 0),
    ]:  # fmt: skip
        ScheduledEvent.objects.create(
            name=name,
            kind=kind,
            unit=unit,
            starts_on=starts,
            ends_on=ends,
            expected_crowd=crowd,
            created_by=city.command,
        )
