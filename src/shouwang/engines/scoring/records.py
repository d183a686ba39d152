"""From raw carrier records to per-number features, in one SQL text run by DuckDB or Spark.

Input tables (documented in docs/scoring.md; columns by name, extra columns ignored):

* ``calls``: phone_no_m, opposite_no_m, calltype_id (1 outgoing, 2 incoming, 3 forwarded),
  start_datetime (timestamp), call_dur (seconds), city_name, county_name, imei_m
* ``sms``: phone_no_m, opposite_no_m, calltype_id (1 sent, 2 received), request_datetime
* ``app``: phone_no_m, busi_name, flow (MB), month_id (e.g. ``2019-08``)
* ``users``: phone_no_m, month_id, arpu (the month's bill)

The output has one row per number seen in any table and the 55 columns of the Sichuan data
(``FEATURE_COLUMNS``), with NULL where a number has no records of that kind. Ties of a mode go to
the smallest value, medians interpolate, variances are sample variances and the skew is the
bias-corrected one (as pandas computes it), so both engines give the same numbers.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from shouwang.engines.scoring.errors import InputError

TABLES: dict[str, tuple[str, ...]] = {
    "calls": (
        "phone_no_m",
        "opposite_no_m",
        "calltype_id",
        "start_datetime",
        "call_dur",
        "city_name",
        "county_name",
        "imei_m",
    ),
    "sms": ("phone_no_m", "opposite_no_m", "calltype_id", "request_datetime"),
    "app": ("phone_no_m", "busi_name", "flow", "month_id"),
    "users": ("phone_no_m", "month_id", "arpu"),
}

FEATURE_COLUMNS: tuple[str, ...] = (
    "opposite_count", "opposite_unique", "voccalltype1", "imeis", "voc_calltype1",
    "city_name_call", "county_name_call", "phone2opposite_mean", "phone2opposite_median",
    "phone2opposite_max", "phone2oppo_sum_mean", "phone2oppo_sum_median", "phone2oppo_sum_max",
    "call_dur_mean", "call_dur_median", "call_dur_max", "call_dur_min", "city_name_nunique",
    "county_name_nunique", "calltype_id_unique", "voc_hour_mode", "voc_hour_mode_count",
    "voc_hour_nunique", "voc_day_mode", "voc_day_mode_count", "voc_day_nunique", "sms_count",
    "sms_nunique", "sms_rate", "calltype_2", "calltype_rate", "hour_mode", "hour_mode_count",
    "hour_nunique", "day_mode", "day_mode_count", "day_nunique", "busi_count", "flow_mean",
    "flow_median", "flow_min", "flow_max", "flow_var", "flow_sum", "month_ids", "flow_month",
    "arpu_mean", "arpu_var", "arpu_max", "arpu_min", "arpu_median", "arpu_sum", "arpu_skew",
    "arpu_sem", "arpu_quantile",
)  # fmt: skip


def _mode(table: str, time_column: str, part: str, prefix: str) -> str:
    """Most frequent hour or day of month per number, smallest on ties, with its count."""
    # Only this module's constant table and column names go in: no input reaches the text.
    return f"""
{prefix}_{part}_counts AS (
  SELECT phone_no_m, {part}({time_column}) AS v, COUNT(*) AS n FROM {table}
  GROUP BY phone_no_m, {part}({time_column})
),
{prefix}_{part}_mode AS (
  SELECT phone_no_m, v, n FROM (
    SELECT phone_no_m, v, n,
           ROW_NUMBER() OVER (PARTITION BY phone_no_m ORDER BY n DESC, v ASC) AS r
    FROM {prefix}_{part}_counts) ranked
  WHERE r = 1
)"""  # noqa: S608


FEATURES_SQL = f"""
WITH
numbers AS (
  SELECT phone_no_m FROM calls UNION SELECT phone_no_m FROM sms
  UNION SELECT phone_no_m FROM app UNION SELECT phone_no_m FROM users
),
voc AS (
  SELECT phone_no_m,
    CAST(COUNT(*) AS DOUBLE) AS opposite_count,
    CAST(COUNT(DISTINCT opposite_no_m) AS DOUBLE) AS opposite_unique,
    CAST(SUM(CASE WHEN calltype_id = 1 THEN 1 ELSE 0 END) AS DOUBLE) AS voccalltype1,
    CAST(COUNT(DISTINCT imei_m) AS DOUBLE) AS imeis,
    CAST(COUNT(DISTINCT CASE WHEN calltype_id = 1 THEN city_name END) AS DOUBLE)
      AS city_name_call,
    CAST(COUNT(DISTINCT CASE WHEN calltype_id = 1 THEN county_name END) AS DOUBLE)
      AS county_name_call,
    AVG(CAST(call_dur AS DOUBLE)) AS call_dur_mean,
    MEDIAN(CAST(call_dur AS DOUBLE)) AS call_dur_median,
    CAST(MAX(call_dur) AS DOUBLE) AS call_dur_max,
    CAST(MIN(call_dur) AS DOUBLE) AS call_dur_min,
    CAST(COUNT(DISTINCT city_name) AS DOUBLE) AS city_name_nunique,
    CAST(COUNT(DISTINCT county_name) AS DOUBLE) AS county_name_nunique,
    CAST(COUNT(DISTINCT calltype_id) AS DOUBLE) AS calltype_id_unique,
    CAST(COUNT(DISTINCT hour(start_datetime)) AS DOUBLE) AS voc_hour_nunique,
    CAST(COUNT(DISTINCT dayofmonth(start_datetime)) AS DOUBLE) AS voc_day_nunique
  FROM calls GROUP BY phone_no_m
),
pairs AS (
  SELECT phone_no_m, opposite_no_m, CAST(COUNT(*) AS DOUBLE) AS calls,
         CAST(SUM(call_dur) AS DOUBLE) AS seconds
  FROM calls GROUP BY phone_no_m, opposite_no_m
),
pair_stats AS (
  SELECT phone_no_m,
    AVG(calls) AS phone2opposite_mean, MEDIAN(calls) AS phone2opposite_median,
    MAX(calls) AS phone2opposite_max,
    AVG(seconds) AS phone2oppo_sum_mean, MEDIAN(seconds) AS phone2oppo_sum_median,
    MAX(seconds) AS phone2oppo_sum_max
  FROM pairs GROUP BY phone_no_m
),
{_mode("calls", "start_datetime", "hour", "voc")},
{_mode("calls", "start_datetime", "dayofmonth", "voc")},
texts AS (
  SELECT phone_no_m,
    CAST(COUNT(*) AS DOUBLE) AS sms_count,
    CAST(COUNT(DISTINCT opposite_no_m) AS DOUBLE) AS sms_nunique,
    CAST(SUM(CASE WHEN calltype_id = 2 THEN 1 ELSE 0 END) AS DOUBLE) AS calltype_2,
    CAST(COUNT(DISTINCT hour(request_datetime)) AS DOUBLE) AS hour_nunique,
    CAST(COUNT(DISTINCT dayofmonth(request_datetime)) AS DOUBLE) AS day_nunique
  FROM sms GROUP BY phone_no_m
),
{_mode("sms", "request_datetime", "hour", "sms")},
{_mode("sms", "request_datetime", "dayofmonth", "sms")},
traffic AS (
  SELECT phone_no_m,
    CAST(COUNT(DISTINCT busi_name) AS DOUBLE) AS busi_count,
    AVG(CAST(flow AS DOUBLE)) AS flow_mean, MEDIAN(CAST(flow AS DOUBLE)) AS flow_median,
    CAST(MIN(flow) AS DOUBLE) AS flow_min, CAST(MAX(flow) AS DOUBLE) AS flow_max,
    VAR_SAMP(CAST(flow AS DOUBLE)) AS flow_var, SUM(CAST(flow AS DOUBLE)) AS flow_sum,
    CAST(COUNT(DISTINCT month_id) AS DOUBLE) AS month_ids
  FROM app GROUP BY phone_no_m
),
bills AS (
  SELECT phone_no_m, CAST(arpu AS DOUBLE) AS arpu,
         AVG(CAST(arpu AS DOUBLE)) OVER (PARTITION BY phone_no_m) AS mean_arpu
  FROM users WHERE arpu IS NOT NULL
),
bill_moments AS (
  SELECT phone_no_m, CAST(COUNT(*) AS DOUBLE) AS n, AVG(arpu) AS arpu_mean,
    VAR_SAMP(arpu) AS arpu_var, MAX(arpu) AS arpu_max, MIN(arpu) AS arpu_min,
    MEDIAN(arpu) AS arpu_median, SUM(arpu) AS arpu_sum,
    AVG(POWER(arpu - mean_arpu, 2)) AS m2, AVG(POWER(arpu - mean_arpu, 3)) AS m3
  FROM bills GROUP BY phone_no_m
)
SELECT numbers.phone_no_m,
  voc.opposite_count, voc.opposite_unique, voc.voccalltype1, voc.imeis,
  voc.voccalltype1 / NULLIF(voc.opposite_count, 0) AS voc_calltype1,
  voc.city_name_call, voc.county_name_call,
  pair_stats.phone2opposite_mean, pair_stats.phone2opposite_median,
  pair_stats.phone2opposite_max, pair_stats.phone2oppo_sum_mean,
  pair_stats.phone2oppo_sum_median, pair_stats.phone2oppo_sum_max,
  voc.call_dur_mean, voc.call_dur_median, voc.call_dur_max, voc.call_dur_min,
  voc.city_name_nunique, voc.county_name_nunique, voc.calltype_id_unique,
  CAST(voc_hour_mode.v AS DOUBLE) AS voc_hour_mode,
  CAST(voc_hour_mode.n AS DOUBLE) AS voc_hour_mode_count, voc.voc_hour_nunique,
  CAST(voc_dayofmonth_mode.v AS DOUBLE) AS voc_day_mode,
  CAST(voc_dayofmonth_mode.n AS DOUBLE) AS voc_day_mode_count, voc.voc_day_nunique,
  texts.sms_count, texts.sms_nunique,
  texts.sms_count / NULLIF(texts.sms_nunique, 0) AS sms_rate,
  texts.calltype_2, texts.calltype_2 / NULLIF(texts.sms_count, 0) AS calltype_rate,
  CAST(sms_hour_mode.v AS DOUBLE) AS hour_mode,
  CAST(sms_hour_mode.n AS DOUBLE) AS hour_mode_count, texts.hour_nunique,
  CAST(sms_dayofmonth_mode.v AS DOUBLE) AS day_mode,
  CAST(sms_dayofmonth_mode.n AS DOUBLE) AS day_mode_count, texts.day_nunique,
  traffic.busi_count, traffic.flow_mean, traffic.flow_median, traffic.flow_min,
  traffic.flow_max, traffic.flow_var, traffic.flow_sum, traffic.month_ids,
  traffic.flow_sum / NULLIF(traffic.month_ids, 0) AS flow_month,
  bill_moments.arpu_mean, bill_moments.arpu_var, bill_moments.arpu_max, bill_moments.arpu_min,
  bill_moments.arpu_median, bill_moments.arpu_sum,
  CASE WHEN bill_moments.n < 3 THEN NULL WHEN bill_moments.m2 = 0 THEN 0.0
       ELSE bill_moments.m3 / POWER(bill_moments.m2, 1.5)
            * SQRT(bill_moments.n * (bill_moments.n - 1)) / (bill_moments.n - 2)
  END AS arpu_skew,
  SQRT(bill_moments.arpu_var) / SQRT(bill_moments.n) AS arpu_sem,
  bill_moments.arpu_median AS arpu_quantile
FROM numbers
LEFT JOIN voc ON voc.phone_no_m = numbers.phone_no_m
LEFT JOIN pair_stats ON pair_stats.phone_no_m = numbers.phone_no_m
LEFT JOIN voc_hour_mode ON voc_hour_mode.phone_no_m = numbers.phone_no_m
LEFT JOIN voc_dayofmonth_mode ON voc_dayofmonth_mode.phone_no_m = numbers.phone_no_m
LEFT JOIN texts ON texts.phone_no_m = numbers.phone_no_m
LEFT JOIN sms_hour_mode ON sms_hour_mode.phone_no_m = numbers.phone_no_m
LEFT JOIN sms_dayofmonth_mode ON sms_dayofmonth_mode.phone_no_m = numbers.phone_no_m
LEFT JOIN traffic ON traffic.phone_no_m = numbers.phone_no_m
LEFT JOIN bill_moments ON bill_moments.phone_no_m = numbers.phone_no_m
ORDER BY numbers.phone_no_m
"""  # noqa: S608


def check_tables(tables: dict[str, Any], columns_of: dict[str, list[str]]) -> None:
    """Every table present with its columns; ``columns_of`` gives each table's actual columns."""
    for name, needed in TABLES.items():
        if name not in tables:
            raise InputError("missing_column", file=name, value="table")
        for column in needed:
            if column not in columns_of[name]:
                raise InputError("missing_column", file=name, column=column)


def features_duckdb(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The features on DuckDB, in process; tables are Polars frames (or anything DuckDB reads)."""
    import duckdb

    check_tables(tables, {k: list(v.columns) for k, v in tables.items()})
    connection = duckdb.connect()
    try:
        for name in TABLES:
            connection.register(name, tables[name])
        return connection.execute(FEATURES_SQL).pl()
    finally:
        connection.close()
