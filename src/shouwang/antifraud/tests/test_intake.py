from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from shouwang.antifraud.intake import form_data, parse_public_report, parse_report
from shouwang.antifraud.normalise import luhn_ok, normalise
from shouwang.antifraud.tests.factories import CARD_1, report_payload


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        ("phone", "138 1234 5678", "+8613812345678"),
        ("phone", "+86-138-1234-5678", "+8613812345678"),
        ("phone", "１３８１２３４５６７８", "+8613812345678"),
        ("phone", "010-12345678", "+861012345678"),
        ("bank_card", "4111 1111 1111 1111", "4111111111111111"),
        ("domain", "https://Pay.Evil-Shop.com.cn/login?x=1", "evil-shop.com.cn"),
        ("domain", "www.example.co.uk", "example.co.uk"),
        ("domain", "bad.github.io/x", "bad.github.io"),
        ("alipay", "138-1234-5678", "+8613812345678"),
        ("alipay", "Someone@Example.com", "someone@example.com"),
        ("app", "  Fast  Loan ", "fast loan"),
    ],
)
def test_normalise(kind, raw, value):
    assert normalise(kind, raw).value == value


@pytest.mark.parametrize(
    ("kind", "raw", "fragment"),
    [
        ("phone", "12345", "不是有效的电话号码"),
        ("phone", "1381234567", "不是有效的电话号码"),
        ("bank_card", "4111111111111112", "校验位不正确"),
        ("bank_card", "41111", "13 至 19 位"),
        ("domain", "not a url", "不是有效的网址"),
        ("domain", "com", "不是有效的网址"),
    ],
)
def test_normalise_rejects(kind, raw, fragment):
    with pytest.raises(ValidationError) as exc:
        normalise(kind, raw)
    assert fragment in exc.value.messages[0]


def test_luhn():
    assert luhn_ok("79927398713")
    assert not luhn_ok("79927398710")


@pytest.mark.django_db
def test_parse_report_collects_every_error_with_its_row(cast):
    data = report_payload(cast, loss_amount="-5")
    data["indicators"].append({"kind": "phone", "value": "12345"})
    data["transfers"][1]["to_account"] = CARD_1[:-1] + str((int(CARD_1[-1]) + 1) % 10)
    data["transfers"][0]["amount"] = "-1"
    with pytest.raises(ValidationError) as exc:
        parse_report(data)
    errors = exc.value.message_dict
    assert set(errors) == {
        "loss_amount",
        "indicators.2.value",
        "transfers.0.amount",
        "transfers.1.to_value",
    }
    assert "负数" in errors["loss_amount"][0]
    assert "校验位" in errors["transfers.1.to_value"][0]


@pytest.mark.django_db
def test_parse_report_merges_indicators_named_twice(cast):
    data = report_payload(cast)
    data["indicators"].append({"kind": "bank_card", "value": CARD_1, "institution": cast.bank.pk})
    data["indicators"].append({"kind": "phone", "value": "+86 138 1234 5678"})
    report = parse_report(data)
    kinds = sorted((i.kind, i.value) for i in report.all_indicators())
    assert len(kinds) == 4
    assert report.loss_amount == Decimal("58000.00")


@pytest.mark.django_db
def test_parse_report_rejects_unknown_institution_and_future_time(cast):
    data = report_payload(cast, occurred_at="2999-01-01T00:00:00")
    data["transfers"][0]["to_institution"] = cast.company.pk  # a company is not a bank
    with pytest.raises(ValidationError) as exc:
        parse_report(data)
    assert set(exc.value.message_dict) == {"occurred_at", "transfers.0.to_institution"}


@pytest.mark.django_db
def test_parse_report_needs_something_to_act_on(cast):
    with pytest.raises(ValidationError) as exc:
        parse_report(report_payload(cast, indicators=[], transfers=[]))
    assert "indicators" in exc.value.message_dict


def test_form_data_reads_rows_and_skips_blank_ones():
    post = {
        "fraud_type": "loan",
        "indicator-0-kind": "phone",
        "indicator-0-value": "13812345678",
        "indicator-1-kind": "phone",
        "indicator-1-value": "",
        "indicator-2-kind": "domain",
        "indicator-2-value": "evil.com",
        "transfer-0-to_account": "4111111111111111",
        "transfer-0-amount": "10",
    }
    data = form_data(post)
    assert [i["value"] for i in data["indicators"]] == ["13812345678", "evil.com"]
    assert data["transfers"][0]["amount"] == "10"


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["abc", "12345"])
def test_parse_report_rejects_a_victim_phone_nobody_can_call(cast, phone):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        parse_report(report_payload(cast, victim_phone=phone))
    assert exc.value.message_dict["victim_phone"] == [f"“{phone}”不是有效的电话号码。"]


@pytest.mark.django_db
def test_parse_report_stores_the_victim_phone_as_the_indicators_do(cast):
    assert parse_report(report_payload(cast, victim_phone="139 0000 1111")).victim_phone == (
        "+8613900001111"
    )
    assert parse_report(report_payload(cast, victim_phone="")).victim_phone == ""


@pytest.mark.django_db
def test_parse_public_report_reports_every_problem_at_once(cast):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        parse_public_report({"fraud_type": "", "contact_phone": ""})
    errors = exc.value.message_dict
    assert {"fraud_type", "indicators", "contact_phone"} <= set(errors)
    assert errors["contact_phone"] == ["请留下联系电话,以便民警与您核实。"]


@pytest.mark.django_db
def test_parse_public_report_checks_and_normalises_the_contact_phone(cast):
    with pytest.raises(ValidationError) as exc:
        parse_public_report({**report_payload(cast), "contact_phone": "abc"})
    assert set(exc.value.message_dict) == {"contact_phone"}
    _report, phone = parse_public_report({**report_payload(cast), "contact_phone": "139-0000-2222"})
    assert phone == "+8613900002222"


@pytest.mark.django_db
@pytest.mark.parametrize("when", ["2026-02-30T10:00", "2026-13-01 10:00", "yesterday"])
def test_parse_report_refuses_a_time_that_is_no_time(cast, when):
    # A day that does not exist made Django's parser raise: a server error on the report page.
    with pytest.raises(ValidationError) as exc:
        parse_report(report_payload(cast, occurred_at=when))
    assert set(exc.value.message_dict) == {"occurred_at"}
