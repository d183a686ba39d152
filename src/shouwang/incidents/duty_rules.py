"""The duty-level rule (等级化勤务): from a station's forecast for the day, the planned events
around it and its trend alert to 一级 / 二级 / 三级 and the reasons. No Django here.

- 一级 (highest): an event expecting at least 10,000 people, or a forecast of at least 1.5
  times the station's typical day;
- 二级: any other planned event, a forecast of at least 1.2 times the typical day, or last
  week's count above the station's alert bound;
- 三级: everyday duty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LEVEL_1, LEVEL_2, LEVEL_3 = "1", "2", "3"
LARGE_CROWD = 10_000
HIGH_RATIO = 1.5
RAISED_RATIO = 1.2


@dataclass(frozen=True)
class EventInfo:
    name: str
    crowd: int


@dataclass(frozen=True)
class StationDay:
    expected: float  # incidents the forecast expects at the station that day
    typical: float  # the station's mean incidents per day over the past year
    events: list[EventInfo] = field(default_factory=list)
    alert_observed: int | None = None  # last week's count, when it was above its bound
    alert_upper: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.expected / self.typical if self.typical > 0 else None


def recommend(day: StationDay) -> tuple[str, list[dict[str, Any]]]:
    """The level and the reasons, each a dict with a `code` and its numbers."""
    reasons: list[dict[str, Any]] = []
    level = LEVEL_3
    for event in day.events:
        reasons.append({"code": "event", "name": event.name, "crowd": event.crowd})
        level = min(level, LEVEL_1 if event.crowd >= LARGE_CROWD else LEVEL_2)
    ratio = day.ratio
    if ratio is not None and ratio >= RAISED_RATIO:
        reasons.append(
            {
                "code": "risk",
                "ratio": round(ratio, 2),
                "expected": round(day.expected, 1),
                "typical": round(day.typical, 1),
            }
        )
        level = min(level, LEVEL_1 if ratio >= HIGH_RATIO else LEVEL_2)
    if day.alert_observed is not None:
        reasons.append({"code": "alert", "observed": day.alert_observed, "upper": day.alert_upper})
        level = min(level, LEVEL_2)
    if not reasons:
        reasons.append(
            {
                "code": "normal",
                "ratio": None if ratio is None else round(ratio, 2),
                "expected": round(day.expected, 1),
                "typical": round(day.typical, 1),
            }
        )
    return level, reasons
