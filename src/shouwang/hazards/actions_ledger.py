"""Importing a hazard ledger (隐患台账导入): check every row, then write all of them or none.

Every row is replayed through the lifecycle actions (register, grade, assign), so an imported
hazard has the same history, deadlines and audit trail as one entered by hand. Rows the ledger
records as already rectified or struck off are moved on by the engine with a note saying the
step comes from the ledger, not from a check made in the system (see docs/hazard-ledger.md).
"""

from __future__ import annotations

import hashlib
import time as clock
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.audit.log import record
from shouwang.cases.actions import do_grade_case, do_record_outside_step, sla_hours
from shouwang.cases.choices import CaseState
from shouwang.common.errors import NotPermitted
from shouwang.hazards.actions import do_assign_hazard, do_register_hazard
from shouwang.hazards.choices import HazardGrade, HazardSource
from shouwang.hazards.kind import HAZARD_KIND
from shouwang.hazards.ledger import (
    Ledger,
    LedgerFileError,
    LedgerRow,
    RowError,
    find_header,
    parse_rows,
    read_sheet,
    sort_errors,
)
from shouwang.hazards.ledger_places import (
    Lookups,
    resolve_rows,
    wanted_cells,
    wanted_names,
    wanted_refs,
)
from shouwang.hazards.ledger_values import LedgerStatus
from shouwang.hazards.models import Hazard
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.models import GridCell, Organisation, Unit
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import for_user, user_covers_unit

if TYPE_CHECKING:
    from shouwang.orgs.models import User

# Stay well below SQLite's limit on query parameters.
_CHUNK = 500


@dataclass
class LedgerImportResult:
    filename: str
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    states: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


def check_import_permission(actor: User, unit: Unit) -> None:
    if not actor.can(Cap.HAZARD_IMPORT) or actor.is_outside_party:
        raise NotPermitted("import")
    if not user_covers_unit(actor, unit):
        raise ValidationError({"unit": _("只能导入到本辖区内的单位。")}, code="scope")


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    items = sorted(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _lookups(ledger: Ledger, unit: Unit, actor: User) -> Lookups:
    """Everything the rows refer to, in a few bulk queries rather than one per row."""
    grids = list(Unit.objects.filter(path__startswith=unit.path, kind=UnitKind.GRID))
    by_name: dict[str, list[Unit]] = {}
    for grid in grids:
        by_name.setdefault(grid.name, []).append(grid)
    grid_of_cell: dict[str, Unit] = {}
    for chunk in _chunks(wanted_cells(ledger)):
        for gc in GridCell.objects.filter(cell__in=chunk).select_related("unit"):
            grid_of_cell[gc.cell] = gc.unit
    existing: set[str] = set()
    for chunk in _chunks(wanted_refs(ledger)):
        existing.update(
            Hazard.objects.filter(
                unit__path__startswith=unit.path, ledger_ref__in=chunk
            ).values_list("ledger_ref", flat=True)
        )
    named: dict[str, list[Organisation]] = {}
    for chunk in _chunks(wanted_names(ledger)):
        for org in for_user(Organisation.objects.filter(name__in=chunk), actor):
            named.setdefault(org.name, []).append(org)
    return Lookups(
        target=unit,
        grids_by_code={g.code: g for g in grids},
        grids_by_name=by_name,
        grid_of_cell=grid_of_cell,
        nameable=frozenset(g.pk for g in grid_of_cell.values() if user_covers_unit(actor, g)),
        existing_refs=frozenset(existing),
        # A name shared by two organisations matches neither: it is kept as text.
        organisations={name: orgs[0] for name, orgs in named.items() if len(orgs) == 1},
    )


def check_hazard_ledger(
    data: bytes, filename: str, *, unit: Unit, actor: User, now: datetime | None = None
) -> tuple[Ledger | None, list[RowError]]:
    """Read and check a whole ledger without writing anything: the rows and every error."""
    now = now or timezone.now()
    try:
        raw = read_sheet(data, filename)
        ledger = find_header(raw)
    except LedgerFileError as exc:
        return None, exc.errors
    if ledger.errors:
        return ledger, sort_errors(ledger.errors)
    if not ledger.rows:
        return ledger, [RowError(None, "", "", "", _("文件中没有数据行。"))]
    parse_rows(ledger, raw, now=now)
    resolve_rows(ledger, _lookups(ledger, unit, actor))
    return ledger, sort_errors(ledger.errors)


def do_import_hazard_ledger(
    file: IO[bytes],
    *,
    unit: Unit,
    actor: User,
    filename: str = "",
    dry_run: bool = False,
) -> LedgerImportResult:
    """Import every row of a ledger into `unit`'s subtree, or nothing if any row is wrong.

    Returns the result with every row error (as Excel numbers rows and columns) rather than
    raising, so a page or a command can show them all at once.
    """
    started = clock.perf_counter()
    check_import_permission(actor, unit)
    name = filename or str(getattr(file, "name", "") or "")
    data = file.read()
    ledger, errors = check_hazard_ledger(data, name, unit=unit, actor=actor)
    result = LedgerImportResult(filename=name, dry_run=dry_run, errors=errors)
    if ledger is not None:
        result.rows = len(ledger.rows)
    if errors or dry_run or ledger is None:
        result.seconds = clock.perf_counter() - started
        return result
    try:
        with transaction.atomic():
            states = _write(ledger.rows, actor=actor)
            record(
                actor,
                "hazard.import",
                None,
                unit=unit,
                detail={
                    "file": name,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "unit": unit.code,
                    "rows": len(ledger.rows),
                    "states": states,
                },
            )
    except _RowFailed as failed:
        # Checked rows should not fail; if the engine still refuses one, nothing is kept.
        result.errors = [failed.error]
    else:
        result.imported = len(ledger.rows)
        result.states = states
    result.seconds = clock.perf_counter() - started
    return result


class _RowFailed(Exception):
    def __init__(self, error: RowError) -> None:
        super().__init__(error.message)
        self.error = error


def _write(rows: list[LedgerRow], *, actor: User) -> dict[str, int]:
    states: Counter[str] = Counter()
    # The SLA table read once per grade rather than once per row; same deadlines as grading.
    sla = {g.value: timedelta(hours=sla_hours(HAZARD_KIND.name, g)[0]) for g in HazardGrade}
    for row in rows:
        try:
            hazard = _import_row(row, actor=actor, sla=sla)
        except (ValidationError, NotPermitted) as exc:
            message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise _RowFailed(RowError(row.row, "", "", "", message)) from exc
        states[CaseState(hazard.state).value] += 1
    return dict(states)


def _import_row(row: LedgerRow, *, actor: User, sla: dict[str, timedelta]) -> Hazard:
    assert row.grid is not None and row.found_at is not None
    hazard = do_register_hazard(
        actor=actor,
        title=row.title,
        category=row.category,
        description=row.description,
        unit=row.grid,
        lat=row.lat,
        lon=row.lon,
        address=row.address,
        found_at=row.found_at,
        source=HazardSource.IMPORT,
        responsible_name=row.organisation.name if row.organisation else row.responsible,
        responsible_contact=row.contact,
        responsible_phone=row.phone,
        ledger_ref=row.ledger_ref,
    )
    now = timezone.now()
    # The engine only sets deadlines in the future; a struck-off row's past deadline is put
    # back when it is closed below.
    deadline = row.deadline if row.deadline is not None and row.deadline > now else None
    if row.grade and deadline is None:
        deadline = now + sla[row.grade]
    if row.grade:
        do_grade_case(hazard, grade=row.grade, deadline=deadline, actor=actor)
    if row.grade and row.requirement:
        do_assign_hazard(
            hazard,
            requirement=row.requirement,
            organisation=row.organisation,
            # Without a known company the grid's own officers follow the rectification up.
            unit=None if row.organisation else row.grid,
            actor=actor,
        )
    if row.status == LedgerStatus.RECTIFIED:
        do_record_outside_step(
            hazard,
            to_state=CaseState.SUBMITTED,
            note=_("按原台账“已整改”状态导入,待核查。"),
            detail={"ledger": LedgerStatus.RECTIFIED.value},
            actor=actor,
        )
    elif row.status == LedgerStatus.CLOSED:
        do_record_outside_step(
            hazard,
            to_state=CaseState.CLOSED,
            note=_("按原台账“已销号”状态导入,未在系统中核查。"),
            deadline=row.deadline,
            detail={"ledger": LedgerStatus.CLOSED.value},
            actor=actor,
        )
    return hazard
