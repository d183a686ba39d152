"""A saved trace's JSON as what the pages and the API show: the freeze list with rank and
desk, the flows table, and the graph (accounts as nodes, flows as edges). The victim's own
account is personal data and shows masked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shouwang.antifraud.tracing.models import Trace
from shouwang.antifraud.tracing.queries import statements_of
from shouwang.antifraud.tracing.routing import bank_desk
from shouwang.common.masking import mask_account

# Below a cent nothing is left to freeze.
MIN_HELD = 0.005


@dataclass(frozen=True)
class FreezeRow:
    rank: int
    account: str
    bank: str
    desk: str
    amount: float
    hops: int
    sent: bool


def victim_accounts(trace: Trace) -> set[str]:
    """Accounts the money came from before the start: the payer side of hop-0 flows."""
    return {f["from_account"] for f in trace.result.get("flows", []) if f["hop"] == 0}


def shown(account: str, victims: set[str]) -> str:
    return mask_account(account) if account in victims else account


def freeze_list(trace: Trace) -> list[FreezeRow]:
    rows: list[FreezeRow] = []
    desks: dict[str, str] = {}
    for h in trace.result.get("holdings", []):
        if h["amount"] < MIN_HELD:
            continue
        bank = h.get("bank") or ""
        if bank not in desks:
            desk = bank_desk(bank)
            desks[bank] = desk.name if desk else ""
        rows.append(
            FreezeRow(
                rank=len(rows) + 1,
                account=h["account"],
                bank=bank,
                desk=desks[bank],
                amount=h["amount"],
                hops=h["hops"],
                sent=h["account"] in trace.sent_accounts,
            )
        )
    return rows


def flow_rows(trace: Trace) -> list[dict[str, Any]]:
    victims = victim_accounts(trace)
    return [
        {
            **f,
            "from_shown": shown(f["from_account"], victims),
            "to_shown": f["to_account"],
            "time_shown": f["time"][:19].replace("T", " "),
        }
        for f in trace.result.get("flows", [])
    ]


def opening_rows(trace: Trace) -> list[dict[str, Any]]:
    """Accounts whose statement balance showed money of their own that the rows did not: the
    reason FIFO and haircut kept victim money there or sent other money on first."""
    victims = victim_accounts(trace)
    return [
        {
            "account": shown(o["account"], victims),
            "amount": o["amount"],
            "time": o["time"],
            "time_shown": o["time"][:19].replace("T", " "),
        }
        for o in trace.result.get("openings", [])
    ]


def breaks_on_path(trace: Trace) -> list[dict[str, Any]]:
    """Balance breaks in the report's statements of accounts the victim money reached: rows
    missing there may hide where it went (money out no row shows) or overstate what is left to
    freeze. Each as saved (account, rows, signed amount) with its statement's filename, read
    from the statements as they are now, not as they were at the trace."""
    reached = {f["to_account"] for f in trace.result.get("flows", []) if not f["cash_out"]}
    reached.add(trace.start_account)
    return [
        {**b, "filename": statement.filename}
        for statement in statements_of(trace.report)
        for b in statement.balance_breaks
        if b["account"] in reached
    ]


def graph(trace: Trace) -> dict[str, Any]:
    """Nodes: accounts (the start, holders, cash-outs, pass-through); edges: the flows between
    two accounts summed, labelled with the victim money they carried."""
    victims = victim_accounts(trace)
    held = {h["account"]: h["amount"] for h in trace.result.get("holdings", [])}
    start = trace.start_account
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str], float] = {}

    def node(account: str, hop: int) -> str:
        # The victim's account is personal data: not even its id leaves the server unmasked.
        key = shown(account, victims)
        if key in nodes:
            nodes[key]["hop"] = min(nodes[key]["hop"], hop)
            return key
        if account == start:
            role = "start"
        elif account in victims:
            role = "victim"
        elif held.get(account, 0.0) >= MIN_HELD:
            role = "holds"
        else:
            role = "passes"
        nodes[key] = {
            "id": key,
            "name": key,
            "role": role,
            "held": round(held.get(account, 0.0), 2),
            "hop": hop,
        }
        return key

    for f in trace.result.get("flows", []):
        source = node(f["from_account"], max(f["hop"] - 1, 0))
        if f["cash_out"]:
            target = f"{f['channel']}:{f['from_account']}"
            nodes.setdefault(
                target,
                {
                    "id": target,
                    "name": f["channel"],
                    "role": "cash_out",
                    "held": 0,
                    "hop": f["hop"],
                },
            )
        else:
            target = node(f["to_account"], f["hop"])
        key = (source, target)
        edges[key] = edges.get(key, 0.0) + f["attributed"]
    node(start, 0)
    links = [{"source": s, "target": t, "amount": round(a, 2)} for (s, t), a in edges.items()]
    return {"nodes": list(nodes.values()), "links": links}
