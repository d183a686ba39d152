import numpy as np
import pytest

from shouwang.engines.scoring.generate import records
from shouwang.engines.scoring.records import features_duckdb


@pytest.fixture(scope="module")
def spark():
    from shouwang.engines.scoring.spark_records import local_session

    session = local_session()
    yield session
    session.stop()


def test_spark_gives_the_same_features_as_duckdb(spark):
    from shouwang.engines.scoring.spark_records import collect, features_spark

    tables = records(30, seed=4)
    on_duckdb = features_duckdb(tables)
    on_spark = collect(features_spark(spark, tables))
    assert on_spark.columns == on_duckdb.columns
    assert on_spark["phone_no_m"].to_list() == on_duckdb["phone_no_m"].to_list()
    left = on_duckdb.drop("phone_no_m").to_numpy().astype(float)
    right = on_spark.drop("phone_no_m").to_numpy().astype(float)
    np.testing.assert_allclose(right, left, rtol=1e-9, equal_nan=True)
