"""The freeze list of one victim payment, as CSV on standard output.

`shouwang trace --transactions FILE --from ACCOUNT --amount X --time T
[--rule fifo|haircut|poison|match|lowest] [--hops N] [--window 72h]
[--match-within 72h] [--match-fee 3] [--match-skips 2]`
"""

from __future__ import annotations

import csv
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shouwang.engines.tracing import (
    RULES,
    MatchLimits,
    ParameterError,
    Start,
    TraceResult,
    TransactionsError,
    trace,
)

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta:
    """``72h``, ``3d``, ``90m``, ``30s`` (a bare number is hours)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text.lower())
    if match is None:
        raise CommandError(
            _("无法识别的时长 %(v)s，请写成 72h、3d 或 90m 这样的格式。") % {"v": text}
        )
    return timedelta(**{_UNITS[match.group(2) or "h"]: float(match.group(1))})


def parse_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            _("无法识别的时间 %(v)s，请写成 2025-03-01 09:30 这样的格式。") % {"v": text}
        ) from None


def explain(error: TransactionsError | ParameterError) -> str:
    if isinstance(error, ParameterError):
        return _("参数 %(n)s 的值无效：%(v)s。") % {"n": error.name, "v": error.value}
    if error.problem == "missing_column":
        return _("交易表缺少列 %(c)s（需要 txn_id、from_account、to_account、amount、time）。") % {
            "c": error.column
        }
    if error.problem == "bad_type":
        return _("交易表的 %(c)s 列类型不对：%(d)s。") % {"c": error.column, "d": error.detail}
    if error.problem == "unsupported_source":
        return _("不支持的交易表文件 %(d)s，请用 Parquet 或 CSV。") % {"d": error.detail}
    return _("无法读取交易表：%(d)s。") % {"d": error.detail}


class Command(BaseCommand):
    help = "Trace a victim's payment through a transactions table; print the freeze list as CSV."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--transactions", required=True, type=Path, help="Parquet or CSV")
        parser.add_argument("--from", dest="account", required=True, help="account paid into")
        parser.add_argument("--amount", required=True, type=float, help="amount paid")
        parser.add_argument("--time", required=True, help="time paid, e.g. 2025-03-01T09:30")
        parser.add_argument("--rule", choices=RULES, default="fifo")
        parser.add_argument("--hops", type=int, default=6, help="hops to follow (6)")
        parser.add_argument("--window", default="72h", help="time to follow (72h)")
        parser.add_argument("--lookback", default="0h", help="history read before (0h)")
        parser.add_argument("--min-amount", type=float, default=1.0, help="follow from (1.0)")
        parser.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb")
        parser.add_argument(
            "--match-within", default="72h", help="match: first payment in to last out (72h)"
        )
        parser.add_argument(
            "--match-fee", type=float, default=3.0, help="match: per cent less going out (3)"
        )
        parser.add_argument(
            "--match-skips", type=int, default=2, help="match: other payments left out (2)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["transactions"]
        if not path.exists():
            raise CommandError(_("找不到文件 %(p)s。") % {"p": path})
        if not options["amount"] > 0:
            raise CommandError(_("金额必须是正数：%(v)s。") % {"v": options["amount"]})
        start = Start(options["account"], options["amount"], parse_time(options["time"]))
        try:
            result = trace(
                path,
                start,
                rule=options["rule"],
                max_hops=options["hops"],
                window=parse_duration(options["window"]),
                lookback=parse_duration(options["lookback"]),
                min_amount=options["min_amount"],
                backend=options["backend"],
                match=MatchLimits(
                    fee=options["match_fee"] / 100,
                    within=parse_duration(options["match_within"]),
                    skips=options["match_skips"],
                ),
            )
        except (TransactionsError, ParameterError) as exc:
            raise CommandError(explain(exc)) from None
        self.write_freeze_list(result)

    def write_freeze_list(self, result: TraceResult) -> None:
        # Column names are a data format for other tools, so they stay untranslated.
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["account", "bank", "amount_held", "hops"])
        for holding in result.holdings:
            if holding.amount >= 0.005:
                writer.writerow(
                    [holding.account, holding.bank or "", f"{holding.amount:.2f}", holding.hops]
                )
