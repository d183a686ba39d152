"""The same per-number features on Spark, for carrier-scale record volumes.

The SQL text is ``records.FEATURES_SQL``, the one DuckDB runs; the session time zone must be UTC
so that hours and days of month read the same instants as on DuckDB.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import polars as pl

from shouwang.engines.scoring.records import FEATURES_SQL, TABLES, check_tables


def local_session() -> Any:
    """A local-mode session for tests and one-off runs (about ten seconds to start)."""
    from pyspark.sql import SparkSession

    # Workers must run the driver's Python: PySpark refuses mixed minor versions.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # One shuffle partition: this session is for small tables (tests, one-off runs); a cluster
    # job brings its own session.
    return (
        SparkSession.builder.master("local[2]")
        .appName("shouwang-scoring")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )


def features_spark(spark: Any, tables: dict[str, Any]) -> Any:
    """The features as a Spark DataFrame; tables are Spark DataFrames or Polars frames."""
    frames = {
        name: spark.createDataFrame(table.to_arrow()) if isinstance(table, pl.DataFrame) else table
        for name, table in tables.items()
    }
    check_tables(frames, {name: list(frame.columns) for name, frame in frames.items()})
    for name in TABLES:
        frames[name].createOrReplaceTempView(name)
    return spark.sql(FEATURES_SQL)


def collect(frame: Any) -> pl.DataFrame:
    """A (small) Spark result as a Polars frame."""
    return pl.from_arrow(frame.toArrow())  # type: ignore[return-value]
