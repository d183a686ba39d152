"""Indicator normalisation: the same phone number, card or site written two ways is one value.

Phones become E.164 (`+8613812345678`) through libphonenumber's rules, bank cards keep their
digits and must pass the Luhn check, URLs become their registrable domain (`pay.evil.com.cn/x`
and `http://www.evil.com.cn` are both `evil.com.cn`) by the public suffix list shipped with
`publicsuffixlist` (no download at run time).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from publicsuffixlist import PublicSuffixList

from shouwang.antifraud.choices import IndicatorKind

DEFAULT_REGION = "CN"
_SEPARATORS = re.compile(r"[\s\-_.()（）]+")


def feed_spellings(value: str) -> set[str]:
    """A stored value and, for a Chinese phone, the same number as carrier feeds and score
    files write it (no +86)."""
    return {value, value.removeprefix("+86")}


def stored_spellings(value: str) -> set[str]:
    """The stored values a value written by a feed may stand for: itself, or a Chinese phone
    with its +86 (the inverse of `feed_spellings`)."""
    return {value, "+86" + value}


@dataclass(frozen=True)
class Normalised:
    kind: str
    value: str


@lru_cache(maxsize=1)
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def with_luhn(body: str) -> str:
    """`body` followed by the check digit that makes it pass the Luhn test."""
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def _clean(raw: str) -> str:
    # Full-width digits and letters (１３８…) are common in pasted text.
    return unicodedata.normalize("NFKC", raw).strip()


def normalise_phone(raw: str) -> str:
    text = _clean(raw)
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("“%(value)s”不是有效的电话号码。"), params={"value": raw[:40]})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_card(raw: str) -> str:
    digits = _SEPARATORS.sub("", _clean(raw))
    if not digits.isdigit() or not 13 <= len(digits) <= 19:
        raise ValidationError(
            _("银行卡号应为 13 至 19 位数字:“%(value)s”。"), params={"value": raw[:40]}
        )
    if not luhn_ok(digits):
        raise ValidationError(
            _("银行卡号“%(value)s”校验位不正确,请核对。"), params={"value": raw[:40]}
        )
    return digits


def normalise_account(raw: str) -> str:
    digits = _SEPARATORS.sub("", _clean(raw))
    if not digits.isdigit() or not 8 <= len(digits) <= 32:
        raise ValidationError(
            _("对公账号应为 8 至 32 位数字:“%(value)s”。"), params={"value": raw[:40]}
        )
    return digits


def normalise_payment_account(raw: str) -> str:
    """Alipay and WeChat Pay accounts are a phone number, an e-mail address or an id."""
    text = _clean(raw).lower()
    if not text or len(text) > 100 or " " in text:
        raise ValidationError(_("支付账户“%(value)s”格式不正确。"), params={"value": raw[:40]})
    if "@" in text:
        return text
    if re.fullmatch(r"\+?[\d\-\s]{7,}", text):
        return normalise_phone(text)
    return text


def normalise_domain(raw: str) -> str:
    text = _clean(raw).lower()
    if "://" not in text:
        text = "http://" + text
    try:
        host = (urlsplit(text).hostname or "").rstrip(".")
    except ValueError:
        host = ""
    if host:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = ""
    if not host or "." not in host or not re.fullmatch(r"[a-z0-9.\-]+", host):
        raise ValidationError(_("“%(value)s”不是有效的网址。"), params={"value": raw[:60]})
    if re.fullmatch(r"[\d.]+", host):
        return host  # an IP address has no registrable domain; it is its own indicator
    registrable = _suffixes().privatesuffix(host)
    if registrable is None:
        raise ValidationError(_("“%(value)s”不是有效的网址。"), params={"value": raw[:60]})
    return str(registrable)


def normalise_name(raw: str) -> str:
    """Apps and social accounts: case and spacing do not make a different one."""
    text = " ".join(_clean(raw).lower().split())
    if not text or len(text) > 200:
        raise ValidationError(_("请填写 1 至 200 个字符。"))
    return text


_NORMALISERS = {
    IndicatorKind.PHONE: normalise_phone,
    IndicatorKind.BANK_CARD: normalise_card,
    IndicatorKind.BANK_ACCOUNT: normalise_account,
    IndicatorKind.ALIPAY: normalise_payment_account,
    IndicatorKind.WECHAT_PAY: normalise_payment_account,
    IndicatorKind.DOMAIN: normalise_domain,
    IndicatorKind.APP: normalise_name,
    IndicatorKind.SOCIAL: normalise_name,
}


def normalise(kind: str, raw: str) -> Normalised:
    """The canonical value of an indicator; raises ValidationError with the reason."""
    try:
        func = _NORMALISERS[IndicatorKind(kind)]
    except ValueError:
        raise ValidationError(_("未知的线索类型“%(kind)s”。"), params={"kind": kind}) from None
    return Normalised(kind, func(raw))


def guess_kind(raw: str) -> str | None:
    """The likeliest kind of a bare value (the blocklist lookup accepts values without a kind)."""
    text = _SEPARATORS.sub("", _clean(raw))
    if text.isdigit() and 13 <= len(text) <= 19 and luhn_ok(text):
        return IndicatorKind.BANK_CARD
    try:
        normalise_phone(raw)
        return IndicatorKind.PHONE
    except ValidationError:
        pass
    if "." in raw and "@" not in raw:
        return IndicatorKind.DOMAIN
    return None
