"""What one account holds under FIFO, haircut or poison, payment by payment.

* FIFO keeps a queue of lots (amount, share of victim money, hop); an outgoing payment takes
  the oldest lots first.
* haircut (proportional) keeps the balance and the victim money in it; every outgoing payment
  carries the account's current share.
* poison marks the account once victim money arrives; every later outgoing payment is victim
  money in full.
* lowest (lowest intermediate balance, 最低余额法) keeps the balance and the victim money in
  it, and spends the account's own money first: victim money leaves only when the balance
  falls below it, and money that comes in later does not replenish it.

An outgoing payment larger than what the account has received is topped up with money of
unknown, clean origin: the lowest balance consistent with the data. Where a statement gives
the balance, ``attribute`` credits the clean money it shows instead (``total`` is what the
replay has the account hold).
"""

from __future__ import annotations

from collections import deque

from shouwang.engines.tracing.model import Rule
from shouwang.engines.tracing.rows import EPS, Row


class Balance:
    """The state of one account under one of the balance rules; ``hop`` is -1 until victim
    money reaches it, then the fewest hops it took."""

    __slots__ = ("balance", "hop", "lots", "rule", "tainted", "victim")

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.lots: deque[list[float]] = deque()  # [amount left, victim share, hop]
        self.balance = 0.0
        self.victim = 0.0
        self.tainted = False
        self.hop = -1

    def credit(self, amount: float, victim: float, hop: int, row: Row | None = None) -> None:
        """Money in; ``row`` is the payment when there is one (the balance rules ignore it)."""
        if victim > EPS and (self.hop < 0 or hop < self.hop):
            self.hop = hop
        if self.rule == "fifo":
            self._credit_fifo(amount, victim, hop)
            return
        self.balance += amount
        if self.rule in ("haircut", "lowest"):
            self.victim += victim
        elif victim > 0:
            self.tainted = True

    def debit(self, amount: float, row: Row | None = None) -> tuple[float, int]:
        """Victim money that leaves with an outgoing ``amount``, and the hop it arrived at."""
        if self.rule == "fifo":
            return self._debit_fifo(amount)
        if self.rule in ("haircut", "lowest"):
            balance = max(self.balance, amount)
            if self.rule == "haircut":  # the account's share of victim money
                out = amount * self.victim / balance if balance > 0 else 0.0
            else:  # the account's own money first
                out = max(amount - (balance - self.victim), 0.0)
            out = min(out, self.victim)
            self.victim -= out
            self.balance = balance - amount
            if self.victim < EPS:
                self.victim = 0.0
            return out, self.hop
        self.balance = max(self.balance - amount, 0.0)
        return (amount if self.tainted else 0.0), self.hop

    def total(self) -> float:
        """Everything the account holds, victim money or not."""
        if self.rule == "fifo":
            return sum(lot[0] for lot in self.lots)
        return self.balance

    def holds(self) -> float:
        if self.rule == "fifo":
            return sum(lot[0] * lot[1] for lot in self.lots)
        if self.rule in ("haircut", "lowest"):
            return self.victim
        return self.balance if self.tainted else 0.0

    def _credit_fifo(self, amount: float, victim: float, hop: int) -> None:
        share = min(victim / amount, 1.0) if amount > 0 else 0.0
        last = self.lots[-1] if self.lots else None
        if share == 0.0 and last is not None and last[1] == 0.0:
            last[0] += amount  # consecutive clean lots are one lot
        else:
            self.lots.append([amount, share, float(hop)])

    def _debit_fifo(self, amount: float) -> tuple[float, int]:
        victim, hop, need = 0.0, -1, amount
        lots = self.lots
        while need > EPS and lots:
            lot = lots[0]
            take = lot[0] if lot[0] < need else need
            if lot[1] > 0.0:
                victim += take * lot[1]
                lot_hop = int(lot[2])
                if hop < 0 or lot_hop < hop:
                    hop = lot_hop
            lot[0] -= take
            need -= take
            if lot[0] <= EPS:
                lots.popleft()
        return victim, hop
