"""Which partner desk answers a request.

- An account's request goes to the institution the report names for it (a partner bank or
  payment company chosen from the list); Alipay and WeChat Pay accounts without one go to the
  payment company whose name says so.
- A phone number's goes to its carrier, known from the number range (libphonenumber's carrier
  data, in Chinese) and matched to a carrier organisation whose name contains it.
- Domains, apps and social accounts go to the registrar desk (the first registrar-kind
  organisation): in practice the centre's liaison for internet takedowns.
None means no desk serves it: the request stays with the centre, which handles it off the system.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers import carrier as phone_carrier

from shouwang.antifraud.choices import ACCOUNT_KINDS, IndicatorKind
from shouwang.orgs.choices import OrganisationKind
from shouwang.orgs.models import Organisation

PAYMENT_NAMES: dict[str, tuple[str, ...]] = {
    IndicatorKind.ALIPAY: ("支付宝",),
    IndicatorKind.WECHAT_PAY: ("财付通", "微信"),
}


@lru_cache(maxsize=4096)
def carrier_of(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ""
    return str(phone_carrier.name_for_number(number, "zh") or "")


class Desks:
    """The partner organisations that are found by name or kind rather than chosen: carriers,
    payment companies and the registrar desk. Read once, in one query, the first time a report
    needs one (a report naming only bank accounts with their banks needs none)."""

    def __init__(self) -> None:
        self._orgs: list[Organisation] | None = None

    def _all(self) -> list[Organisation]:
        if self._orgs is None:
            self._orgs = list(
                Organisation.objects.filter(
                    kind__in=(
                        OrganisationKind.CARRIER,
                        OrganisationKind.PAYMENT,
                        OrganisationKind.REGISTRAR,
                    )
                )
                .only("pk", "kind", "name")
                .order_by("pk")
            )
        return self._orgs

    def _first(self, kind: str, name_part: str = "") -> Organisation | None:
        return next(
            (o for o in self._all() if o.kind == kind and name_part in o.name),
            None,
        )

    def desk_for(
        self, kind: str, value: str, institution: Organisation | None
    ) -> Organisation | None:
        if kind in ACCOUNT_KINDS:
            if institution is not None:
                return institution
            for name in PAYMENT_NAMES.get(kind, ()):
                org = self._first(OrganisationKind.PAYMENT, name)
                if org is not None:
                    return org
            return None
        if kind == IndicatorKind.PHONE:
            name = carrier_of(value)
            return self._first(OrganisationKind.CARRIER, name) if name else None
        return self._first(OrganisationKind.REGISTRAR)
