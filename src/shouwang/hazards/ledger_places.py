"""Placing ledger rows: each row's grid (from its grid column or its coordinates) and its
responsible organisation, against lookups the import action fetched in bulk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from shouwang.hazards.ledger import COLUMN_BY_KEY, Ledger, LedgerRow, RowError
from shouwang.orgs.choices import UnitKind

if TYPE_CHECKING:
    from shouwang.orgs.models import Organisation, Unit


@dataclass(frozen=True)
class Lookups:
    """Everything `resolve_rows` needs from the database, fetched in bulk by the caller."""

    target: Unit
    grids_by_code: Mapping[str, Unit]
    grids_by_name: Mapping[str, Sequence[Unit]]
    grid_of_cell: Mapping[str, Unit]  # H3 cell -> grid, anywhere (to say "outside the unit")
    nameable: frozenset[int]  # the grids of grid_of_cell the importer may see, so may name
    existing_refs: frozenset[str]
    organisations: Mapping[str, Organisation]  # unique names within the importer's scope


def resolve_rows(ledger: Ledger, lookups: Lookups) -> None:
    """Find each row's grid and responsible organisation; errors for places outside the unit."""
    has_location = "grid" in ledger.columns or "lat" in ledger.columns
    default_grid = lookups.target if lookups.target.kind == UnitKind.GRID else None
    if not has_location and default_grid is None:
        ledger.errors.append(
            RowError(
                ledger.header_row,
                "",
                COLUMN_BY_KEY["grid"].header,
                "",
                _("缺少“所在网格”列或“经度”“纬度”列:导入到非网格单位时须写明每条隐患所在的网格。"),
            )
        )
        return
    for row in ledger.rows:
        if not any((row.row, key) in ledger.reported for key in ("grid", "lat", "lon")):
            _resolve_place(ledger, row, lookups, default_grid)
        if row.ledger_ref and row.ledger_ref in lookups.existing_refs:
            ledger.error(
                row.row, "ledger_ref", row.ledger_ref, _("该台账编号已存在于本单位的隐患清单中。")
            )
        if row.responsible:
            row.organisation = lookups.organisations.get(row.responsible)


def _resolve_place(ledger: Ledger, row: LedgerRow, lookups: Lookups, default: Unit | None) -> None:
    n = row.row
    grid: Unit | None = None
    if row.grid_text:
        grid = lookups.grids_by_code.get(row.grid_text)
        if grid is None:
            named = lookups.grids_by_name.get(row.grid_text, ())
            if len(named) > 1:
                ledger.error(n, "grid", row.grid_text, _("有多个同名网格,请填写网格代码。"))
                return
            grid = named[0] if named else None
        if grid is None:
            ledger.error(
                n,
                "grid",
                row.grid_text,
                _("未知的网格:“%(unit)s”辖区内没有该代码或名称的网格。")
                % {"unit": lookups.target.name},
            )
            return
    if row.lat is not None and row.lon is not None:
        located = lookups.grid_of_cell.get(row.cell)
        where = f"{row.lon}, {row.lat}"
        if located is not None and not lookups.target.contains(located):
            message = (
                _("该坐标不在“%(unit)s”辖区内(位于“%(grid)s”)。")
                % {"unit": lookups.target.name, "grid": located.name}
                if located.pk in lookups.nameable
                else _("该坐标不在“%(unit)s”辖区内。") % {"unit": lookups.target.name}
            )
            ledger.error(n, "lon", where, message)
            return
        if grid is not None and located is not None and located != grid:
            ledger.error(
                n,
                "lon",
                where,
                _("该坐标位于“%(located)s”,与所填网格“%(grid)s”不符。")
                % {"located": located.name, "grid": grid.name},
            )
            return
        if grid is None and located is None and default is None:
            ledger.error(n, "lon", where, _("该坐标不在任何已划定的网格内,请填写所在网格。"))
            return
        grid = grid or located
    grid = grid or default
    if grid is None:
        ledger.error(n, "grid", None, _("请填写所在网格或经纬度。"))
        return
    row.grid = grid


def wanted_cells(ledger: Ledger) -> set[str]:
    return {row.cell for row in ledger.rows if row.lat is not None}


def wanted_refs(ledger: Ledger) -> set[str]:
    return {row.ledger_ref for row in ledger.rows if row.ledger_ref}


def wanted_names(ledger: Ledger) -> set[str]:
    return {row.responsible for row in ledger.rows if row.responsible}
