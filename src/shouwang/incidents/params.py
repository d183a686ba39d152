"""Reading the query string of the incident pages and API into the one filter and the
forecast settings, with errors a person can act on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticValidationError

from shouwang.common.params import iso_date
from shouwang.engines.hotspots import MODELS
from shouwang.incidents.filters import IncidentFilter
from shouwang.incidents.forecasting import (
    CELLS,
    DEFAULT_CELLS,
    DEFAULT_MODEL,
    HORIZONS,
    HotspotForecast,
    make_forecast,
)
from shouwang.orgs.models import Unit, User

_LISTS = {"category", "source"}
_FIELDS = {"date_from", "date_to", "category", "unit", "source"}
FLAG_SHARES = {"1": 0.01, "5": 0.05}
SHIFTS = (0, 1, 2)


def cell_choices() -> list[tuple[str, str]]:
    """The cell choices of the forecast forms, labelled."""
    labels = {
        "h3-8": _("H3 六边形 8 级（约 0.7 平方公里）"),
        "h3-9": _("H3 六边形 9 级（约 0.1 平方公里）"),
    }
    return [(c, labels.get(c) or _("%(side)s 米方格") % {"side": c}) for c in CELLS]


def model_choices() -> list[tuple[str, str]]:
    """The forecast models of the pages, labelled; the value stays the engine's identifier,
    which the URL and the API keep (docs/hotspots.md describes each model)."""
    labels = {
        "naive": _("上期计数"),
        "naive_all": _("全部历史计数"),
        "kde": _("核密度"),
        "prospective": _("前瞻热点"),
        "sepp": _("自激点过程"),
        "etas": _("近重复(ETAS)"),
        "blend": _("组合模型"),
        "best": _("最佳(即组合模型)"),
    }
    # A model the engine adds later shows its identifier until it is given a label here.
    return [(m, labels.get(m, m)) for m in MODELS]


def parse_filter(params: QueryDict) -> tuple[IncidentFilter, list[str]]:
    data: dict[str, Any] = {}
    for key in params:
        if key in _LISTS:
            data[key] = [v for v in params.getlist(key) if v]
        elif key in _FIELDS and params.get(key, "").strip():
            data[key] = params.get(key, "").strip()
    try:
        return IncidentFilter.model_validate(data), []
    except PydanticValidationError as exc:
        errors = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            errors.append(
                _("筛选条件“%(field)s”的值“%(value)s”无效。")
                % {"field": field, "value": params.get(field, "")}
            )
        return IncidentFilter(), errors


@dataclass(frozen=True)
class ForecastParams:
    start: date
    horizon_days: int
    cells: str  # one of forecasting.CELLS: "250" (square metres) or "h3-9" (hexagons)
    model: str
    flag: str  # "1" or "5": percent of the area flagged
    shift: int | None = None  # one 8-hour shift of `start`: 0 (00-08), 1 (08-16), 2 (16-24)

    @property
    def area_share(self) -> float:
        return FLAG_SHARES[self.flag]

    def forecast(self, user: User, flt: IncidentFilter, unit: Unit) -> HotspotForecast:
        """The forecast these settings describe, over ``unit``'s grids (``NoArea`` without)."""
        return make_forecast(
            user,
            flt,
            unit,
            start=self.start,
            horizon_days=self.horizon_days,
            cells=self.cells,
            model=self.model,
            shift=self.shift,
        )


def parse_forecast(params: QueryDict) -> tuple[ForecastParams, list[str]]:
    """Forecast settings; unknown values fall back to the defaults with an error."""
    errors: list[str] = []
    start = timezone.localdate()
    if params.get("start"):
        parsed = iso_date(params.get("start", ""))
        if parsed is None:
            errors.append(_("预测起始日期无效。"))
        else:
            start = parsed

    def choice(name: str, allowed: tuple[Any, ...], default: Any, cast: Any = str) -> Any:
        raw = params.get(name, "")
        if not raw:
            return default
        try:
            value = cast(raw)
        except ValueError:
            value = None
        if value not in allowed:
            errors.append(_("参数“%(name)s”的值“%(value)s”无效。") % {"name": name, "value": raw})
            return default
        return value

    return (
        ForecastParams(
            start=start,
            horizon_days=choice("horizon", HORIZONS, 7, int),
            cells=choice("cell", CELLS, DEFAULT_CELLS),
            model=choice("model", MODELS, DEFAULT_MODEL),
            flag=choice("flag", tuple(FLAG_SHARES), "1"),
            shift=choice("shift", SHIFTS, None, int),
        ),
        errors,
    )
