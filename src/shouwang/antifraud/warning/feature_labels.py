"""Words for the fraud-number model's features, so that a score's reasons read as what they
measure ("平均通话时长(秒) 77.3") and not as column names ("call_dur_mean = 77.250").

The names are those `engines.scoring.features.FeatureSpec` builds: the 55 raw columns of the
Sichuan data (`engines.scoring.records.FEATURE_COLUMNS`), the derived ratios and the call-graph
features; docs/scoring.md ("What the columns mean") says what each one is. A model trained on
other columns still shows its reasons, under the column's own name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Kind(Enum):
    """How a feature's value is written."""

    COUNT = "count"  # whole numbers: calls, contacts, months
    NUMBER = "number"  # means, ratios, seconds, MB: a few significant decimals
    SHARE = "share"  # a fraction of 1, written as a percentage
    YUAN = "yuan"  # money, two decimals
    HOUR = "hour"  # an hour of the day, 0-23
    DAY = "day"  # a day of the month, 1-31


@dataclass(frozen=True)
class Feature:
    label: str | Promise
    kind: Kind


C, N, S, Y = Kind.COUNT, Kind.NUMBER, Kind.SHARE, Kind.YUAN

FEATURES: dict[str, Feature] = {
    # calls
    "opposite_count": Feature(_("通话次数"), C),
    "opposite_unique": Feature(_("通话对象数"), C),
    "voccalltype1": Feature(_("主叫次数"), C),
    "imeis": Feature(_("使用的手机数"), C),
    "voc_calltype1": Feature(_("主叫占比"), S),
    "city_name_call": Feature(_("主叫所在城市数"), C),
    "county_name_call": Feature(_("主叫所在区县数"), C),
    "phone2opposite_mean": Feature(_("与每个对象的平均通话次数"), N),
    "phone2opposite_median": Feature(_("与每个对象的通话次数中位数"), N),
    "phone2opposite_max": Feature(_("与单个对象的最多通话次数"), C),
    "phone2oppo_sum_mean": Feature(_("与每个对象的平均通话总时长(秒)"), N),
    "phone2oppo_sum_median": Feature(_("与每个对象的通话总时长中位数(秒)"), N),
    "phone2oppo_sum_max": Feature(_("与单个对象的最长通话总时长(秒)"), N),
    "call_dur_mean": Feature(_("平均通话时长(秒)"), N),
    "call_dur_median": Feature(_("通话时长中位数(秒)"), N),
    "call_dur_max": Feature(_("最长通话时长(秒)"), N),
    "call_dur_min": Feature(_("最短通话时长(秒)"), N),
    "city_name_nunique": Feature(_("通话所在城市数"), C),
    "county_name_nunique": Feature(_("通话所在区县数"), C),
    "calltype_id_unique": Feature(_("通话类型数(主叫、被叫、呼转)"), C),
    "voc_hour_mode": Feature(_("通话最多的时段"), Kind.HOUR),
    "voc_hour_mode_count": Feature(_("通话最多时段的通话次数"), C),
    "voc_hour_nunique": Feature(_("有通话的时段数(按小时)"), C),
    "voc_day_mode": Feature(_("通话最多的日期(每月几号)"), Kind.DAY),
    "voc_day_mode_count": Feature(_("通话最多日期的通话次数"), C),
    "voc_day_nunique": Feature(_("有通话的日期数(每月几号)"), C),
    # text messages
    "sms_count": Feature(_("短信条数"), C),
    "sms_nunique": Feature(_("短信对象数"), C),
    "sms_rate": Feature(_("每个短信对象的短信条数"), N),
    "calltype_2": Feature(_("收到的短信条数"), C),
    "calltype_rate": Feature(_("收到的短信占比"), S),
    "hour_mode": Feature(_("短信最多的时段"), Kind.HOUR),
    "hour_mode_count": Feature(_("短信最多时段的短信条数"), C),
    "hour_nunique": Feature(_("有短信的时段数(按小时)"), C),
    "day_mode": Feature(_("短信最多的日期(每月几号)"), Kind.DAY),
    "day_mode_count": Feature(_("短信最多日期的短信条数"), C),
    "day_nunique": Feature(_("有短信的日期数(每月几号)"), C),
    # apps and data (one flow row is one app in one month)
    "busi_count": Feature(_("使用的应用数"), C),
    "flow_mean": Feature(_("单个应用月流量均值(MB)"), N),
    "flow_median": Feature(_("单个应用月流量中位数(MB)"), N),
    "flow_min": Feature(_("单个应用月流量最小值(MB)"), N),
    "flow_max": Feature(_("单个应用月流量最大值(MB)"), N),
    "flow_var": Feature(_("单个应用月流量方差"), N),
    "flow_sum": Feature(_("应用总流量(MB)"), N),
    "month_ids": Feature(_("有流量记录的月数"), C),
    "flow_month": Feature(_("每月流量(MB)"), N),
    # monthly bills
    "arpu_mean": Feature(_("月均话费(元)"), Y),
    "arpu_var": Feature(_("月话费方差"), N),
    "arpu_max": Feature(_("最高月话费(元)"), Y),
    "arpu_min": Feature(_("最低月话费(元)"), Y),
    "arpu_median": Feature(_("月话费中位数(元)"), Y),
    "arpu_sum": Feature(_("话费合计(元)"), Y),
    "arpu_skew": Feature(_("月话费偏度"), N),
    "arpu_sem": Feature(_("月均话费的标准误(元)"), Y),
    "arpu_quantile": Feature(_("月话费中位数(元)"), Y),  # the Sichuan data repeats it
    # derived ratios (features.RATIOS) and the two extra derived columns
    "x_unique_contact_share": Feature(_("不同通话对象占通话次数的比例"), S),
    "x_calls_per_active_day": Feature(_("每个通话日的通话次数"), N),
    "x_contacts_per_active_day": Feature(_("每个通话日的通话对象数"), N),
    "x_outgoing_per_contact": Feature(_("每个通话对象的主叫次数"), N),
    "x_peak_hour_share": Feature(_("通话最多时段的通话占比"), S),
    "x_peak_day_share": Feature(_("通话最多日期的通话占比"), S),
    "x_flow_per_month": Feature(_("每月流量(MB)"), N),
    "x_apps_per_month": Feature(_("每月使用的应用数"), N),
    "x_counties_per_city": Feature(_("每个主叫城市的区县数"), N),
    "x_duration_mean_to_median": Feature(_("平均通话时长与中位数之比"), N),
    "x_handsets_per_call": Feature(_("每次通话使用的手机数"), N),
    "x_sms_per_active_day": Feature(_("每个短信日的短信条数"), N),
    "x_received_sms_per_contact": Feature(_("每个短信对象发来的短信条数"), N),
    "x_sms_share": Feature(_("短信占全部联系的比例"), S),
    "x_missing_values": Feature(_("缺失的数据项数"), C),
    # the call graph (features.STRUCTURE, features.NEIGHBOUR_LABELS)
    "g_degree": Feature(_("通话网络中的联系人数"), C),
    "g_two_hop_reach": Feature(_("二度联系人数(按路径计)"), C),
    "g_fraud_neighbours": Feature(_("联系人中已知涉诈号码数"), C),
    "g_labelled_neighbours": Feature(_("联系人中已核实号码数"), C),
    "g_fraud_neighbour_share": Feature(_("联系人中涉诈号码比例(平滑)"), S),
    "g_fraud_share_two_hop": Feature(_("二度联系人中涉诈号码比例"), S),
}


@dataclass(frozen=True)
class Explained:
    """One reason as the page shows it: the label, the written value, and the identifier
    (kept for analysts, in a tooltip)."""

    feature: str
    label: str
    value: str
    calibrated: float


def _decimals(value: float) -> int:
    if value == int(value) or abs(value) >= 100:
        return 0
    return 1 if abs(value) >= 10 else 2 if abs(value) >= 1 else 3


def _number_text(value: float, decimals: int) -> str:
    # Rounded here: Django's number_format cuts a float's extra decimals off (27.56 -> "27.5").
    return number_format(round(value, decimals), decimals, force_grouping=True)


def format_value(value: float, kind: Kind) -> str:
    if not math.isfinite(value):
        # A raw column is missing when the number has no records of that kind at all.
        return gettext("无记录")
    if kind is Kind.SHARE:
        return _number_text(value * 100, 1) + "%"
    if kind is Kind.YUAN:
        return _number_text(value, 2)
    if kind is Kind.HOUR:
        return f"{round(value):02d}:00"
    if kind is Kind.DAY or (kind is Kind.COUNT and value == int(value)):
        return _number_text(value, 0)
    return _number_text(value, _decimals(value))


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def explain(reasons: Iterable[Mapping[str, Any]]) -> list[Explained]:
    """The stored reasons (``feature``, ``value``, ``calibrated``) in words; a feature this
    table does not know keeps its identifier as its label."""
    explained = []
    for reason in reasons:
        name = str(reason.get("feature", ""))
        feature = FEATURES.get(name)
        value = _number(reason.get("value"))
        explained.append(
            Explained(
                feature=name,
                label=str(feature.label) if feature is not None else name,
                value=format_value(value, feature.kind if feature is not None else Kind.NUMBER),
                calibrated=_number(reason.get("calibrated")),
            )
        )
    return explained
