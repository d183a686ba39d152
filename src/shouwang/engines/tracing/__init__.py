"""Fund-flow tracing (资金流向查询): which accounts hold a victim's money now.

``trace(transactions, starts, rule="fifo", max_hops=6, window=timedelta(hours=72))`` follows
victim money forward in time through a transactions table and returns the flows, the accounts
that hold the money (the freeze list) and the cash-outs. Rules: ``fifo``, ``haircut``,
``lowest``, ``poison`` and ``match`` (amount matching, limits in ``MatchLimits``). ``Ledger``
keeps a table loaded in DuckDB for many traces; ``read_statement`` turns a bank statement (银行流水)
into rows of the transactions table, and ``balance_breaks`` finds where its balances show rows
missing. See docs/tracing.md.
"""

from shouwang.engines.tracing.engine import trace
from shouwang.engines.tracing.errors import ParameterError, TracingError, TransactionsError
from shouwang.engines.tracing.ledger import Ledger
from shouwang.engines.tracing.model import (
    CASH_OUT_CHANNELS,
    RULES,
    CashOut,
    Flow,
    Holding,
    MatchLimits,
    Opening,
    Rule,
    Start,
    TraceResult,
    TraceStats,
)
from shouwang.engines.tracing.statements import (
    BalanceBreak,
    ColumnMapping,
    MappingError,
    StatementError,
    StatementErrors,
    balance_breaks,
    read_statement,
)

__all__ = [
    "CASH_OUT_CHANNELS",
    "RULES",
    "BalanceBreak",
    "CashOut",
    "ColumnMapping",
    "Flow",
    "Holding",
    "Ledger",
    "MappingError",
    "MatchLimits",
    "Opening",
    "ParameterError",
    "Rule",
    "Start",
    "StatementError",
    "StatementErrors",
    "TraceResult",
    "TraceStats",
    "TracingError",
    "TransactionsError",
    "balance_breaks",
    "read_statement",
    "trace",
]
