"""Writes of the incidents app: mappings, imports, scheduled events. Duty decisions are in
`actions_duty`. Each checks permission and jurisdiction, writes in one transaction and
records its audit event."""

from __future__ import annotations

import time as clock
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO, TYPE_CHECKING, Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.audit.log import record
from shouwang.common.errors import NotPermitted
from shouwang.incidents.choices import EventKind, IncidentSource
from shouwang.incidents.coords import UnknownCrs, normalise_crs, to_wgs84
from shouwang.incidents.dedupe import Point, near_duplicates
from shouwang.incidents.importing import Candidate, CategoryLookup, check_rows, missing_columns
from shouwang.incidents.models import ImportMapping, Incident, IncidentCategory, ScheduledEvent
from shouwang.incidents.notify import notify_week_alerts
from shouwang.incidents.queries import incidents_for_user
from shouwang.incidents.reader import ImportFileError, RowError, Table, read_table
from shouwang.orgs.geo import cell_of, valid_lat_lon
from shouwang.orgs.models import GridCell, Unit
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import user_covers_unit

if TYPE_CHECKING:
    from shouwang.orgs.models import User

_MAPPING_COLUMNS = (
    "time_column",
    "category_column",
    "x_column",
    "y_column",
    "address_column",
    "unit_column",
    "external_id_column",
)
# Two calls about one incident come minutes apart and a street apart; wider windows would
# merge different incidents.
DUPLICATE_MINUTES_MAX = 7 * 24 * 60
DUPLICATE_METRES_MAX = 10_000
EXPECTED_CROWD_MAX = 10_000_000  # more than the largest events anywhere draw


def _require_import(actor: User) -> None:
    if not actor.can(Cap.INCIDENT_IMPORT) or actor.is_outside_party:
        raise NotPermitted("incident.import")


@transaction.atomic
def do_save_import_mapping(
    *,
    actor: User,
    unit: Unit,
    name: str,
    values: dict[str, Any],
    mapping: ImportMapping | None = None,
) -> ImportMapping:
    """Create or change a saved column mapping. `values` holds the model's column fields,
    `crs`, `time_format`, `source`, `category_values` and the duplicate thresholds."""
    _require_import(actor)
    if not user_covers_unit(actor, unit) or (
        mapping is not None and not user_covers_unit(actor, mapping.unit)
    ):
        raise ValidationError({"unit": _("该单位不在您的辖区内。")})
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("请填写名称。")
    for key in ("time_column", "category_column", "x_column", "y_column"):
        if not str(values.get(key, "")).strip():
            errors[key] = _("请填写列名。")
    try:
        crs = normalise_crs(str(values.get("crs", "")))
    except UnknownCrs:
        errors["crs"] = _("无法识别的坐标系:请填写 EPSG 代码(如 EPSG:4326)、GCJ-02 或 BD-09。")
        crs = ""
    category_values = values.get("category_values") or {}
    known = set(IncidentCategory.objects.values_list("code", flat=True))
    unknown = sorted({str(v) for v in category_values.values()} - known)
    if unknown:
        errors["category_values"] = _("未知的类别代码:%(codes)s") % {"codes": "、".join(unknown)}
    source = str(values.get("source") or IncidentSource.IMPORT)
    if source not in IncidentSource.values:
        errors["source"] = _("无效的来源。")
    limits = {
        "duplicate_minutes": (10, DUPLICATE_MINUTES_MAX),
        "duplicate_metres": (50, DUPLICATE_METRES_MAX),
    }
    thresholds: dict[str, int] = {}
    for key, (default, high) in limits.items():
        try:
            thresholds[key] = int(values.get(key, default))
        except (TypeError, ValueError):
            thresholds[key] = -1
        if not 0 <= thresholds[key] <= high:
            errors[key] = _("请填写 0 到 %(high)d 之间的整数。") % {"high": high}
    clash = ImportMapping.objects.filter(unit=unit, name=name.strip())
    if mapping is not None:
        clash = clash.exclude(pk=mapping.pk)
    if clash.exists():
        errors["name"] = _("本单位已有同名映射。")
    if errors:
        raise ValidationError(errors)
    target = mapping or ImportMapping(created_by=actor)
    target.unit = unit
    target.name = name.strip()
    target.source = source
    target.crs = crs
    target.time_format = str(values.get("time_format", "")).strip()
    target.category_values = {str(k).strip(): str(v) for k, v in category_values.items()}
    for key in _MAPPING_COLUMNS:
        setattr(target, key, str(values.get(key, "")).strip())
    target.duplicate_minutes = thresholds["duplicate_minutes"]
    target.duplicate_metres = thresholds["duplicate_metres"]
    target.updated_at = timezone.now()
    created = target.pk is None
    target.save()
    record(
        actor,
        "incident.mapping.create" if created else "incident.mapping.update",
        target,
        unit=unit,
        detail={"crs": crs},
    )
    return target


@dataclass(frozen=True)
class Duplicate:
    row: int
    of_row: int | None  # an earlier row of the same file
    of_incident: int | None  # an incident already stored (None: one the importer may not see)
    by_external_id: bool


@dataclass
class ImportResult:
    filename: str
    rows: int = 0
    imported: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    seconds: float = 0.0


def _locate(
    candidates: list[Candidate], table: Table, mapping: ImportMapping, actor: User
) -> tuple[list[tuple[Candidate, Unit, str]], list[RowError]]:
    """Convert every candidate's coordinates to WGS-84 and find its unit, in bulk."""
    errors: list[RowError] = []
    if not candidates:
        return [], errors
    lon, lat = to_wgs84(
        np.array([c.x for c in candidates]), np.array([c.y for c in candidates]), mapping.crs
    )
    x_col = table.column(mapping.x_column)
    unit_col = table.column(mapping.unit_column) if mapping.unit_column else None
    assert x_col is not None

    def error(c: Candidate, col: int, message: str, value: str) -> None:
        errors.append(RowError(c.row, table.letter(col), table.headers[col], value, message))

    cells: dict[int, str] = {}
    for c, c_lon, c_lat in zip(candidates, lon.tolist(), lat.tolist(), strict=True):
        c.lon, c.lat = round(c_lon, 7), round(c_lat, 7)
        if not valid_lat_lon(c.lat, c.lon):
            error(c, x_col, _("坐标换算后超出经纬度范围,请检查坐标系。"), f"{c.x}, {c.y}")
        else:
            cells[c.row] = cell_of(c.lat, c.lon)
    grids = {
        cell: unit
        for cell, unit in (
            (g.cell, g.unit)
            for g in GridCell.objects.filter(cell__in=set(cells.values())).select_related("unit")
        )
    }
    names = {c.unit_text for c in candidates if c.unit_text}
    named = {u.code: u for u in Unit.objects.filter(Q(code__in=names) | Q(name__in=names))}
    named.update({u.name: u for u in named.values()})
    located: list[tuple[Candidate, Unit, str]] = []
    for c in candidates:
        if c.row not in cells:
            continue
        grid = grids.get(cells[c.row])
        unit: Unit | None = grid
        if c.unit_text:
            assert unit_col is not None
            given = named.get(c.unit_text)
            if given is None:
                error(c, unit_col, _("未知的单位。"), c.unit_text)
                continue
            # The grid is finer than a station named in the file, when the two agree.
            unit = grid if grid is not None and given.contains(grid) else given
        if unit is None:
            error(c, x_col, _("该位置不在任何网格内,请在文件中填写单位。"), f"{c.x}, {c.y}")
            continue
        if not user_covers_unit(actor, unit):
            col = unit_col if c.unit_text and unit_col is not None else x_col
            error(c, col, _("不在您的辖区内。"), c.unit_text or f"{c.x}, {c.y}")
            continue
        located.append((c, unit, cells[c.row]))
    return located, errors


def _duplicates(
    located: list[tuple[Candidate, Unit, str]], mapping: ImportMapping, actor: User
) -> list[Duplicate]:
    """Rows that repeat a stored incident or an earlier row: the same external id in the same
    source system, or the same category close in time and place (among the incidents the
    importer may see: another jurisdiction's are not named to them)."""
    found: dict[int, Duplicate] = {}
    ids = [c.external_id for c, _u, _cell in located if c.external_id]
    # The same id of the same source system is a duplicate wherever in the city it is stored,
    # but the stored incident is named only to someone who may see it.
    stored_ids = dict(
        Incident.objects.filter(source_system=mapping.name, external_id__in=set(ids)).values_list(
            "external_id", "pk"
        )
    )
    visible = set(
        incidents_for_user(actor).filter(pk__in=stored_ids.values()).values_list("pk", flat=True)
    )
    first_row: dict[str, int] = {}
    for c, _u, _cell in located:
        if not c.external_id:
            continue
        if c.external_id in stored_ids:
            pk = stored_ids[c.external_id]
            found[c.row] = Duplicate(c.row, None, pk if pk in visible else None, True)
        elif c.external_id in first_row:
            found[c.row] = Duplicate(c.row, first_row[c.external_id], None, True)
        else:
            first_row[c.external_id] = c.row
    rest = [c for c, _u, _cell in located if c.row not in found]
    if not rest or mapping.duplicate_minutes == 0:
        return sorted(found.values(), key=lambda d: d.row)
    window = timedelta(minutes=mapping.duplicate_minutes)
    stored = (
        incidents_for_user(actor)
        .filter(
            category_id__in={c.category.pk for c in rest},
            occurred_at__gte=min(c.occurred_at for c in rest) - window,
            occurred_at__lte=max(c.occurred_at for c in rest) + window,
        )
        .values_list("pk", "category_id", "occurred_at", "lat", "lon")
    )
    near = near_duplicates(
        [Point(c.row, c.category.pk, c.occurred_at.timestamp(), c.lat, c.lon) for c in rest],
        [Point(pk, cat, at.timestamp(), la, lo) for pk, cat, at, la, lo in stored],
        minutes=mapping.duplicate_minutes,
        metres=mapping.duplicate_metres,
    )
    for row, (kind, key) in near.items():
        found[row] = Duplicate(
            row, key if kind == "row" else None, key if kind == "stored" else None, False
        )
    return sorted(found.values(), key=lambda d: d.row)


def do_import_incidents(
    file: IO[bytes], *, filename: str, mapping: ImportMapping, actor: User, dry_run: bool = False
) -> ImportResult:
    """Import a CSV or Excel file with a saved mapping: every valid row, or on any error none.

    Duplicates are not errors: they are reported and skipped, so a file exported twice from
    the same system, or overlapping an earlier export, imports only what is new.
    """
    _require_import(actor)
    started = clock.monotonic()
    result = ImportResult(filename=filename, dry_run=dry_run)
    try:
        table = read_table(file, filename)
    except ImportFileError as exc:
        result.errors = exc.errors
        return result
    result.rows = len(table.rows)
    result.errors = missing_columns(table, mapping)
    if result.errors:
        return result
    lookup = CategoryLookup(mapping, list(IncidentCategory.objects.all()))
    candidates, errors = check_rows(table, mapping, lookup, timezone.now())
    located, place_errors = _locate(candidates, table, mapping, actor)
    result.errors = sorted(errors + place_errors, key=lambda e: (e.row or 0, e.column))
    if result.errors:
        return result
    result.duplicates = _duplicates(located, mapping, actor)
    skipped = {d.row for d in result.duplicates}
    rows = [
        Incident(
            occurred_at=c.occurred_at,
            category=c.category,
            lat=c.lat,
            lon=c.lon,
            h3_cell=cell,
            address=c.address,
            unit=unit,
            source=mapping.source,
            source_system=mapping.name,
            external_id=c.external_id,
            raw_x=c.x,
            raw_y=c.y,
            raw_crs=mapping.crs,
            created_by=actor,
        )
        for c, unit, cell in located
        if c.row not in skipped
    ]
    if not dry_run:
        with transaction.atomic():
            Incident.objects.bulk_create(rows, batch_size=2000)
            record(
                actor,
                "incident.import",
                mapping,
                unit=actor.unit,
                detail={
                    "file": filename[:200],
                    "rows": result.rows,
                    "imported": len(rows),
                    "duplicates": len(result.duplicates),
                },
            )
            notify_week_alerts({row.unit_id: row.unit for row in rows}.values())
        result.imported = len(rows)
    result.seconds = clock.monotonic() - started
    return result


@transaction.atomic
def do_create_scheduled_event(
    *,
    actor: User,
    name: str,
    kind: str,
    unit: Unit,
    starts_on: date,
    ends_on: date,
    expected_crowd: int = 0,
    note: str = "",
) -> ScheduledEvent:
    """Register a planned event: the duty recommendation of the units under it takes it in."""
    if not actor.can(Cap.DUTY_DECIDE) or actor.is_outside_party:
        raise NotPermitted("duty.decide")
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("请填写名称。")
    if kind not in EventKind.values:
        errors["kind"] = _("无效的活动类型。")
    if ends_on < starts_on:
        errors["ends_on"] = _("结束日期不能早于开始日期。")
    if not 0 <= expected_crowd <= EXPECTED_CROWD_MAX:
        errors["expected_crowd"] = _("预计人数应在 0 到 %(high)d 之间。") % {
            "high": EXPECTED_CROWD_MAX
        }
    if not user_covers_unit(actor, unit):
        errors["unit"] = _("该单位不在您的辖区内。")
    if errors:
        raise ValidationError(errors)
    event = ScheduledEvent.objects.create(
        name=name.strip()[:200],
        kind=kind,
        unit=unit,
        starts_on=starts_on,
        ends_on=ends_on,
        expected_crowd=expected_crowd,
        note=note.strip(),
        created_by=actor,
    )
    record(actor, "incident.event.create", event, unit=unit, detail={"crowd": expected_crowd})
    return event
