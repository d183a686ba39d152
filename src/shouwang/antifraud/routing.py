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


def desk_for(kind: str, value: str, institution: Organisation | None) -> Organisation | None:
    if kind in ACCOUNT_KINDS:
        if institution is not None:
            return institution
        for name in PAYMENT_NAMES.get(kind, ()):
            org = Organisation.objects.filter(
                kind=OrganisationKind.PAYMENT, name__contains=name
            ).first()
            if org is not None:
                return org
        return None
    if kind == IndicatorKind.PHONE:
        name = carrier_of(value)
        if not name:
            return None
        return (
            Organisation.objects.filter(kind=OrganisationKind.CARRIER, name__contains=name)
            .order_by("pk")
            .first()
        )
    return Organisation.objects.filter(kind=OrganisationKind.REGISTRAR).order_by("pk").first()
