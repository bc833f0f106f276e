"""CRM account exports as real ones arrive: encodings, delimiters, bad values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from xlplan.errors import AccountsFileError
from xlplan.workbook.crm import parse_date, parse_mapping, parse_number, read_accounts

TODAY = dt.date(2026, 6, 15)


def _read(pack, tmp_path: Path, data: bytes | str, **kwargs):
    path = tmp_path / "accounts.csv"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return read_accounts(path, pack, TODAY, **kwargs)


def test_excel_semicolon_export_with_sep_line_bom_and_crlf(pack, tmp_path):
    text = "sep=;\r\nAccount Name;Billing City;Billing Country;Employees\r\nMüller AG;Zürich;Switzerland;40\r\n"
    result = _read(pack, tmp_path, text.encode("utf-8-sig"))
    (plan,) = result.plans
    assert plan.records["plan"]["account_name"] == "Müller AG"
    assert plan.records["profile"]["hq_location"] == "Zürich, Switzerland"
    assert plan.records["profile"]["employees"] == 40


def test_windows_1252_and_utf16_exports(pack, tmp_path):
    latin = _read(pack, tmp_path, "Account Name\nSociété Générale\n".encode("cp1252"))
    assert latin.plans[0].account_name == "Société Générale"
    wide = _read(
        pack, tmp_path, "Account Name\r\nSociété Générale\r\n".encode("utf-16")
    )
    assert [p.account_name for p in wide.plans] == ["Société Générale"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04rest-of-a-workbook", "Excel workbook, not a CSV"),
        (b"\x00\x01\x02binary", "binary data"),
        (b"", "empty"),
        (b"Account Name\n\n", "no account rows"),
        (b'Account Name,Industry\n"Acme,Retail\nBeta,Energy\n', "malformed"),
        (b"Firm\nAcme\n", "no account name column"),
        (
            b"Account Name,Industry,Account Name\nAcme,Retail,Globex\n",
            "'Account Name' twice",
        ),
        ("Account Name\nAcme\n".encode("utf-16")[:-1], "UTF-16 text is damaged"),
        (b"\xff\xfeA\x00\x00\xd8", "UTF-16 text is damaged"),  # a lone surrogate
    ],
)
def test_files_that_are_not_usable_exports(pack, tmp_path, data, message):
    with pytest.raises(AccountsFileError, match=message):
        _read(pack, tmp_path, data)


def test_every_bad_value_is_reported_with_its_line_and_column(pack, tmp_path):
    text = "Account Name,Employees,Tier\nA,ten,Key\n\n\nB,5,Platinum\nC,-3,Key\n"
    with pytest.raises(AccountsFileError) as caught:
        _read(pack, tmp_path, text)
    message = caught.value.message
    assert "3 value(s)" in message
    assert 'line 2, column "Employees"' in message
    assert 'line 5, column "Tier"' in message and "Platinum" in message
    assert 'line 6, column "Employees"' in message and "negative" in message


def test_blank_names_duplicates_and_extra_values_are_noted(pack, tmp_path):
    text = "Account Name,Industry\nAcme,Retail\n,Energy\nacme,Retail,EXTRA\n"
    result = _read(pack, tmp_path, text)
    assert len(result.plans) == 2
    notes = " ".join(result.notes)
    assert "line 3: no account name" in notes
    assert "'acme' is also on line 2" in notes
    assert "line 4: more values than headers" in notes
    ids = [p.records["plan"]["plan_id"] for p in result.plans]
    assert ids == ["ACME-2026", "ACME-2026-2"]


def test_the_most_specific_header_wins(pack, tmp_path):
    result = _read(pack, tmp_path, "Company,Account Name\nOther Inc,Acme\n")
    assert result.plans[0].account_name == "Acme"
    assert any('"Company" not used' in note for note in result.notes)


def test_mapping_rules(pack):
    assert parse_mapping(("Segment=account_tier",), pack) == {
        "segment": "profile.account_tier"
    }
    with pytest.raises(ValueError, match="COLUMN=FIELD"):
        parse_mapping(("Segment",), pack)
    with pytest.raises(ValueError, match="Did you mean account_tier"):
        parse_mapping(("Segment=acount_tier",), pack)
    with pytest.raises(ValueError, match="not a plan or profile field"):
        parse_mapping(("Today=as_of",), pack)


def test_mapped_yes_no_column(pack, tmp_path):
    result = _read(
        pack,
        tmp_path,
        "Account Name,Ref\nAcme,yes\n",
        mapping=parse_mapping(("Ref=reference_customer",), pack),
    )
    assert result.plans[0].records["profile"]["reference_customer"] is True


@pytest.mark.parametrize("text", ["(1", "1)", "99999999999999999999", "1.200,50"])
def test_numbers_that_are_refused(text):
    with pytest.raises(ValueError):
        parse_number(text, "here")


def test_ambiguous_dates_need_an_order():
    with pytest.raises(ValueError, match="--date-order"):
        parse_date("03/04/2020", "here")
    assert parse_date("03/04/2020", "here", "mdy") == dt.date(2020, 3, 4)
    assert parse_date("03/04/2020", "here", "dmy") == dt.date(2020, 4, 3)
    assert parse_date("25/04/2020", "here") == dt.date(2020, 4, 25)
    with pytest.raises(ValueError, match="1900"):
        parse_date("1899-12-31", "here")


SAMPLE_EXPORT = Path(__file__).parents[2] / "workbooks" / "crm" / "accounts.csv"


def test_the_readme_sample_export_reads_as_the_readme_says(pack):
    """README's example command: Segment mapped to the tier, US dates as mdy."""
    mapping = parse_mapping(("Segment=account_tier",), pack)
    result = read_accounts(SAMPLE_EXPORT, pack, TODAY, mapping, date_order="mdy")
    by_name = {plan.account_name: plan for plan in result.plans}
    assert len(by_name) == 5
    northgate = by_name["Northgate Freight"].records
    assert northgate["profile"]["account_tier"] == "Key"
    assert northgate["profile"]["client_since"] == dt.date(2019, 3, 4)
    assert northgate["profile"]["client_annual_revenue"] == 1.2e9
    assert northgate["profile"]["hq_location"] == "Rotterdam, Netherlands"
    assert northgate["plan"]["currency"] == "EUR"
    assert "client_since" not in by_name["Brixworth Insurance"].records["profile"]
    with pytest.raises(AccountsFileError, match="03/04/2019"):
        read_accounts(SAMPLE_EXPORT, pack, TODAY, mapping)


def test_an_amount_in_another_currency_than_the_plan_is_noted(pack, tmp_path):
    text = (
        "Account Name,Annual Revenue,Currency\n"
        "Acme,€4.5M,\n"  # no currency: the pack's base (USD)
        "Beta,€2M,EUR\n"
        "Gamma,EUR 3M,\n"
        "Delta,$1M,\n"
    )
    result = _read(pack, tmp_path, text)
    assert [p.records["profile"]["client_annual_revenue"] for p in result.plans] == [
        4_500_000,
        2_000_000,
        3_000_000,
        1_000_000,
    ]
    noted = [n for n in result.notes if "is in EUR" in n]
    assert [n.split(":")[0].rsplit(",", 1)[1].strip() for n in noted] == [
        "line 2",
        "line 4",
    ]
    assert "the plan's currency is USD" in noted[0]
