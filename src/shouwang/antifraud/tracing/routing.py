"""Which bank desk a freeze request for a traced account goes to.

The transactions table names the bank that holds each receiving account as the statement
wrote it. A bank statement's own rows carry the name of the bank organisation it was imported
under, so the name matches exactly; a counterparty bank column may write a longer or shorter
form ("测试银行" / "测试银行杭州分行"), so failing an exact match, a bank or payment
organisation whose name contains the written name, or is contained in it, is taken (the
longest such name, so the most specific). No match: no desk, the centre handles it.
"""

from __future__ import annotations

from shouwang.orgs.choices import OrganisationKind
from shouwang.orgs.models import Organisation

DESK_KINDS = (OrganisationKind.BANK, OrganisationKind.PAYMENT)


def bank_desk(bank: str | None) -> Organisation | None:
    name = (bank or "").strip()
    if not name:
        return None
    desks = list(Organisation.objects.filter(kind__in=DESK_KINDS).order_by("pk"))
    for org in desks:
        if org.name == name:
            return org
    near = [org for org in desks if name in org.name or org.name in name]
    return max(near, key=lambda org: len(org.name), default=None)
