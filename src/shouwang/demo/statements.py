"""Bank statements for a few of the demo's fraud reports, so that fund tracing works from the
first login: every bank's statement layout, then, for a handful of reports, the statements of
the cards the victim paid and of the mule cards the money went on to.

Both go through the tracing actions (``do_save_mapping``, ``do_import_statement``), so what the
demo holds passed the same checks as an upload. The money leaves in layers within a few hours:
the card the victim paid keeps a little and splits the rest between two mules; the first passes
most of its share to a third card, which sends part of it on to a fourth, and takes some out
at an ATM; the second spends some at a shop. Every card keeps something, so a trace ends in a
freeze list with cards at several banks.

Both layouts have a balance column (余额). Every card held some money of its own before: the
mule cards tens to a couple of hundred yuan, the card the victim paid up to a few thousand;
always less than half of the card's first payment out, so that under FIFO, which spends that
money first, the victim's money still goes on at every hop. Each row's balance is the one
before it plus or minus its amount, in the order the rows are written (time, then serial
number, as the trace replays them): the statements are continuous, without breaks.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from random import Random
from typing import Any

from django.utils import timezone

from shouwang.antifraud.choices import IndicatorKind, RequestType
from shouwang.antifraud.models import FraudReport, Transfer
from shouwang.antifraud.normalise import with_luhn
from shouwang.antifraud.tracing.actions import do_import_statement, do_save_mapping
from shouwang.antifraud.tracing.models import Statement
from shouwang.audit.models import AuditEvent
from shouwang.demo.fraud import CARD_BINS
from shouwang.orgs.choices import OrganisationKind, Role
from shouwang.orgs.models import Organisation, User

TRACED_REPORTS = 4
# Smaller payments would split into cents.
MIN_TRACED_AMOUNT = Decimal(2000)

# Two layouts, as banks really differ: a debit/credit column, or a signed amount.
FLAG_LAYOUT: dict[str, Any] = {
    "time": "交易时间",
    "account": "本方账号",
    "direction": "借贷标志",
    "amount": "交易金额",
    "counterparty": "对方账号",
    "counterparty_bank": "对方开户行",
    "channel": "摘要",
    "channel_values": {"ATM取款": "atm", "消费": "merchant"},
    "txn_id": "交易流水号",
    "balance": "余额",
}
SIGNED_LAYOUT: dict[str, Any] = {
    "time": "记账时间",
    "account": "账号",
    "amount": "发生额",
    "counterparty": "对手账号",
    "counterparty_bank": "对手行名",
    "channel": "交易渠道",
    "channel_values": {"ATM": "atm", "POS消费": "merchant"},
    "txn_id": "流水号",
    "balance": "账户余额",
    "date_format": "%Y/%m/%d %H:%M:%S",
    "negative_is_debit": True,
}


# The statement's columns, in the order banks print them (those a layout names).
COLUMNS = ("time", "account", "direction", "amount", "balance", "counterparty",
           "counterparty_bank", "channel", "txn_id")  # fmt: skip


@dataclass(frozen=True)
class Row:
    """One line of an account's statement; ``channel`` is an engine channel or "" (transfer)."""

    at: datetime  # local wall-clock time
    account: str
    money_in: bool
    amount: Decimal
    counterparty: str
    counterparty_bank: str
    channel: str
    txn_id: str


def _card(rng: Random) -> str:
    return with_luhn(rng.choice(CARD_BINS) + f"{rng.randrange(10**12):012d}")


def _share(amount: Decimal, percent: int) -> Decimal:
    """``percent`` of ``amount`` in whole hundreds (mules move round sums), at least 100."""
    hundreds = (amount * percent / 10000).to_integral_value(ROUND_DOWN)
    return max(hundreds, Decimal(1)) * 100


def _prior(rng: Random, most: int, first_out: Decimal) -> Decimal:
    """What a card held before the story, to the fen: up to ``most`` yuan and under half of
    ``first_out``, its first payment out."""
    cap = min(Decimal(most), first_out / 2)
    return (cap * rng.randrange(10, 100) / 100).quantize(Decimal("0.01"), ROUND_DOWN)


def _csv(rows: list[Row], layout: dict[str, Any], opening: Decimal) -> bytes:
    """The statement as a bank with ``layout`` writes it, the balance from ``opening``."""
    wording = {engine: bank for bank, engine in layout["channel_values"].items()}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([layout[c] for c in COLUMNS if c in layout])
    balance = opening
    for r in rows:
        signed = r.amount if r.money_in or "direction" in layout else -r.amount
        balance += r.amount if r.money_in else -r.amount
        cells = {
            "time": r.at.strftime(layout.get("date_format", "%Y-%m-%d %H:%M:%S")),
            "account": r.account,
            "direction": "贷" if r.money_in else "借",
            "amount": f"{signed:.2f}",
            "balance": f"{balance:.2f}",
            "counterparty": r.counterparty,
            "counterparty_bank": r.counterparty_bank,
            "channel": wording.get(r.channel, "转账"),
            "txn_id": r.txn_id,
        }
        writer.writerow([cells[c] for c in COLUMNS if c in layout])
    return out.getvalue().encode("utf-8")


class _Trail:
    """The statements of one report, account by account, as the money moves."""

    def __init__(self, rng: Random, banks: list[Organisation]) -> None:
        self.rng = rng
        self.banks = banks
        self.rows: dict[str, list[Row]] = {}  # the accounts whose statements are imported
        self.opening: dict[str, Decimal] = {}  # what each of them held before the first row
        self.bank_of: dict[str, Organisation] = {}
        self.serial = 0

    def _txn(self) -> str:
        self.serial += 1
        return f"{self.rng.randrange(10**8):08d}{self.serial:04d}"

    def account(self, *, statement: bool = True) -> str:
        card = _card(self.rng)
        self.bank_of[card] = self.rng.choice(self.banks)
        if statement:
            self.rows[card] = []
        return card

    def pay(self, at: datetime, payer: str, payee: str, amount: Decimal) -> None:
        """A transfer between two cards: a debit on the payer's statement and a credit on the
        payee's at the same second (the import takes the two as one transaction)."""
        txn = self._txn()
        payer_bank, payee_bank = self.bank_of[payer].name, self.bank_of[payee].name
        if payer in self.rows:
            self.rows[payer].append(Row(at, payer, False, amount, payee, payee_bank, "", txn))
        if payee in self.rows:
            self.rows[payee].append(Row(at, payee, True, amount, payer, payer_bank, "", txn))

    def cash_out(self, at: datetime, account: str, amount: Decimal, channel: str) -> None:
        self.rows[account].append(Row(at, account, False, amount, "", "", channel, self._txn()))

    def layer(self, paid: Transfer, card_bank: Organisation) -> None:
        """The money of one payment the victim made, hop by hop, from the time they paid."""
        rng = self.rng
        start = timezone.localtime(paid.at).replace(tzinfo=None, microsecond=0)
        card = paid.to_indicator.value
        if card not in self.rows:
            self.bank_of[card] = card_bank
            self.rows[card] = []
        victim = self.account(statement=False)
        mule_1, mule_2, mule_3 = self.account(), self.account(), self.account()
        # The last card's statement has not come in yet: it holds what it got.
        mule_4 = self.account(statement=False)

        def later(low: int, high: int) -> datetime:
            return start + timedelta(minutes=rng.randrange(low, high))

        # Shares in per cent; each card passes on at most 95 % of what it got.
        first = rng.randrange(50, 66)
        to_1, to_2 = _share(paid.amount, first), _share(paid.amount, rng.randrange(25, 96 - first))
        to_3 = _share(to_1, rng.randrange(55, 76))
        self.pay(start, victim, card, paid.amount)
        self.pay(later(6, 15), card, mule_1, to_1)
        self.pay(later(16, 40), card, mule_2, to_2)
        self.pay(later(50, 90), mule_1, mule_3, to_3)
        self.cash_out(later(100, 180), mule_1, _share(to_1, rng.randrange(10, 21)), "atm")
        # The time is drawn before the amount, as in the calls above.
        at = later(60, 200)
        shop = _share(to_2, rng.randrange(20, 50))
        self.cash_out(at, mule_2, shop, "merchant")
        at = later(200, 400)
        to_4 = _share(to_3, rng.randrange(40, 80))
        self.pay(at, mule_3, mule_4, to_4)
        # The money each card held before, against its first payment out; drawn from the card
        # number, so that the rest of the demo is what it was before statements had balances.
        for account, most, first_out in (
            (card, 5000, to_1), (mule_1, 200, to_3), (mule_2, 200, shop), (mule_3, 200, to_4),
        ):  # fmt: skip
            self.opening.setdefault(account, _prior(Random(account), most, first_out))


def _receiving_bank(transfer: Transfer) -> Organisation | None:
    """The bank the report sent the card's freeze request to, if it went to a bank."""
    request = (
        transfer.report.requests.filter(type=RequestType.FREEZE, indicator=transfer.to_indicator)
        .select_related("organisation")
        .first()
    )
    org = request.organisation if request else None
    return org if org is not None and org.kind == OrganisationKind.BANK else None


def _chosen_reports(now: datetime, chief: User | None) -> list[tuple[FraudReport, list[Transfer]]]:
    """Accepted reports of two days ago or more whose every payment went to a bank card,
    newest first: the latest one in the ``chief`` login's station, when there is one (so that
    the station chief has one to trace), and the others."""
    eligible: list[tuple[FraudReport, list[Transfer]]] = []
    reports = FraudReport.objects.filter(
        accepted_at__isnull=False, created_at__lt=now - timedelta(days=2)
    ).order_by("-created_at", "-pk")
    for report in reports.select_related("unit"):
        transfers = list(report.transfers.select_related("to_indicator", "report"))
        if transfers and all(
            t.to_indicator.kind == IndicatorKind.BANK_CARD and t.amount >= MIN_TRACED_AMOUNT
            for t in transfers
        ):
            eligible.append((report, transfers))
    chief_unit = chief.unit if chief is not None else None
    chiefs = [
        pair
        for pair in eligible
        if chief_unit is not None and pair[0].unit.path.startswith(chief_unit.path)
    ][:1]
    others = [pair for pair in eligible if pair not in chiefs]
    return chiefs + others[: TRACED_REPORTS - len(chiefs)]


def make_statements(rng: Random, now: datetime) -> list[str]:
    """Save every bank's layout and import the statements; returns the references of the
    reports that have statements (``load_demo`` prints them, so they are easy to find)."""
    analyst = User.objects.filter(role=Role.FRAUD_ANALYST).order_by("pk").first()
    banks = list(Organisation.objects.filter(kind=OrganisationKind.BANK).order_by("pk"))
    if analyst is None or not banks:
        return []
    layouts = {
        bank.pk: FLAG_LAYOUT if n % 2 == 0 else SIGNED_LAYOUT for n, bank in enumerate(banks)
    }
    for bank in banks:
        do_save_mapping(bank, dict(layouts[bank.pk]), actor=analyst)
    chief = User.objects.filter(username="chief").select_related("unit").first()
    traced = []
    for report, transfers in _chosen_reports(now, chief):
        trail = _Trail(rng, banks)
        for transfer in transfers:
            trail.layer(transfer, _receiving_bank(transfer) or rng.choice(banks))
        ids = []
        for account, rows in trail.rows.items():
            bank = trail.bank_of[account]
            rows.sort(key=lambda r: (r.at, r.txn_id))  # as the trace replays them
            statement = do_import_statement(
                report,
                organisation=bank,
                filename=f"{bank.name[:2]}_{account[-4:]}_{rows[0].at:%Y%m%d}.csv",
                content=_csv(rows, layouts[bank.pk], trail.opening[account]),
                actor=analyst,
            )
            ids.append(statement.pk)
        # The banks answered the centre's request for statements the day after the report.
        imported_at = min(report.created_at + timedelta(days=1), now)
        Statement.objects.filter(pk__in=ids).update(imported_at=imported_at)
        AuditEvent.objects.filter(
            object_type="fraud_tracing.statement", object_id__in=[str(pk) for pk in ids]
        ).update(at=imported_at)
        traced.append(report.reference)
    return traced
