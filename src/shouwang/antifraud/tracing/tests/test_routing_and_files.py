from pathlib import Path

import pytest
from openpyxl import Workbook

from shouwang.antifraud.tests.factories import CARD_1
from shouwang.antifraud.tracing.actions import account_kind, do_import_statement
from shouwang.antifraud.tracing.models import Transaction
from shouwang.antifraud.tracing.routing import bank_desk
from shouwang.antifraud.tracing.tests.statements import (
    HEADER,
    MULE_1,
    card_1_rows,
    register_report,
    save_mappings,
)
from shouwang.common.testing import Cast
from shouwang.orgs.actions import do_create_organisation
from shouwang.orgs.choices import OrganisationKind

pytestmark = pytest.mark.django_db


def test_bank_desk_matches_exact_then_the_most_specific_containing_name(cast: Cast) -> None:
    branch = do_create_organisation(name="测试银行杭州分行", kind=OrganisationKind.BANK, actor=None)
    assert bank_desk("测试银行") == cast.bank  # exact beats the longer name containing it
    assert bank_desk("测试银行杭州分行营业部") == branch  # the longest name it contains
    assert bank_desk("另一银行股份有限公司") == cast.other_bank
    assert bank_desk("中国移动测试分公司") is None  # a carrier is no bank desk
    assert bank_desk("") is None and bank_desk(None) is None


def test_traced_accounts_get_an_indicator_kind(cast: Cast) -> None:
    assert account_kind(MULE_1) == "bank_card"  # passes the Luhn check
    assert account_kind("12345678901") == "bank_account"
    assert account_kind("merchant") is None


def test_an_excel_statement_imports_like_a_csv(cast: Cast, tmp_path: Path) -> None:
    save_mappings(cast)
    report = register_report(cast)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in card_1_rows():
        sheet.append(row)
    path = tmp_path / "card1.xlsx"
    book.save(path)
    statement = do_import_statement(
        report,
        organisation=cast.bank,
        filename="card1.xlsx",
        content=path.read_bytes(),
        actor=cast.ivan,
    )
    assert statement.row_count == 3
    assert set(Transaction.objects.values_list("to_account", flat=True)) >= {CARD_1, MULE_1}
