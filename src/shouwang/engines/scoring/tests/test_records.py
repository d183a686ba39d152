from datetime import datetime

import numpy as np
import polars as pl
import pytest
from scipy import stats

from shouwang.engines.scoring.errors import InputError
from shouwang.engines.scoring.generate import records
from shouwang.engines.scoring.records import FEATURE_COLUMNS, features_duckdb

from .helpers import fraud_dir


@pytest.fixture(scope="module")
def tables():
    return records(40, seed=2)


@pytest.fixture(scope="module")
def features(tables):
    return features_duckdb(tables)


def test_it_gives_the_columns_of_the_sichuan_data():
    header = pl.read_csv(fraud_dir() / "dev.csv", n_rows=1).columns
    assert list(FEATURE_COLUMNS) == [c for c in header if c not in ("phone_no_m", "label")]


def test_one_row_per_number_seen_in_any_table(tables, features):
    seen = set().union(*(set(t["phone_no_m"].to_list()) for t in tables.values()))
    assert features.columns == ["phone_no_m", *FEATURE_COLUMNS]
    assert sorted(seen) == features["phone_no_m"].to_list()


def test_call_counts_and_pairs_match_a_direct_count(tables, features):
    calls = tables["calls"]
    phone = calls["phone_no_m"][0]
    mine = calls.filter(pl.col("phone_no_m") == phone)
    row = features.filter(pl.col("phone_no_m") == phone).row(0, named=True)
    assert row["opposite_count"] == mine.height
    assert row["opposite_unique"] == mine["opposite_no_m"].n_unique()
    assert row["voc_calltype1"] == pytest.approx((mine["calltype_id"] == 1).mean())
    per_contact = mine.group_by("opposite_no_m").len()["len"].to_numpy()
    assert row["phone2opposite_mean"] == pytest.approx(per_contact.mean())
    assert row["phone2opposite_median"] == pytest.approx(np.median(per_contact))
    assert row["call_dur_median"] == pytest.approx(np.median(mine["call_dur"].to_numpy()))
    hours = mine["start_datetime"].dt.hour().value_counts()
    top = hours["count"].max()
    assert row["voc_hour_mode_count"] == top
    assert row["voc_hour_mode"] == hours.filter(pl.col("count") == top)["start_datetime"].min()


def test_billing_statistics_are_the_sample_ones(tables, features):
    bills = (
        tables["users"]
        .group_by("phone_no_m")
        .agg(pl.col("arpu"))
        .filter(pl.col("arpu").list.len() >= 3)
    )
    phone, arpu = bills.row(0)
    row = features.filter(pl.col("phone_no_m") == phone).row(0, named=True)
    values = np.array(arpu)
    assert row["arpu_var"] == pytest.approx(values.var(ddof=1))
    assert row["arpu_skew"] == pytest.approx(stats.skew(values, bias=False))
    assert row["arpu_sem"] == pytest.approx(stats.sem(values))
    assert row["arpu_quantile"] == row["arpu_median"] == pytest.approx(np.median(values))


def test_a_number_without_texts_has_no_sms_features(tables, features):
    silent = set(features["phone_no_m"]) - set(tables["sms"]["phone_no_m"])
    assert silent
    row = features.filter(pl.col("phone_no_m") == sorted(silent)[0]).row(0, named=True)
    assert row["sms_count"] is None and row["calltype_rate"] is None


def test_ties_of_a_mode_go_to_the_smallest_value():
    table = records(3, seed=0)
    phone = table["calls"]["phone_no_m"][0]
    two = pl.DataFrame(
        {
            "phone_no_m": [phone, phone],
            "opposite_no_m": ["x", "y"],
            "calltype_id": [1, 1],
            "start_datetime": [datetime(2019, 8, 1, 15), datetime(2019, 8, 2, 9)],
            "call_dur": [10, 20],
            "city_name": ["c", "c"],
            "county_name": ["k", "k"],
            "imei_m": ["i", "i"],
        }
    )
    table["calls"] = two
    row = features_duckdb(table).filter(pl.col("phone_no_m") == phone).row(0, named=True)
    assert (row["voc_hour_mode"], row["voc_hour_mode_count"]) == (9.0, 1.0)
    assert (row["voc_day_mode"], row["voc_day_mode_count"]) == (1.0, 1.0)


def test_a_missing_table_column_is_named(tables):
    broken = dict(tables, sms=tables["sms"].drop("request_datetime"))
    with pytest.raises(InputError) as caught:
        features_duckdb(broken)
    assert (caught.value.file, caught.value.column) == ("sms", "request_datetime")
