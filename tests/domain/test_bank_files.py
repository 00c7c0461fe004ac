"""Bank statement files as banks write them (issue 15): OFX 1.0.2 SGML with unclosed tags,
OFX 2 XML, a credit card's QFX, a sloppy OFX ofxtools refuses, CSVs of several banks; the
dedupe keys; errors that name the line."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coliv_desktop.domain.bank_files import (
    CsvMapping,
    StatementLine,
    _decode,
    _tolerant,
    guess_mapping,
    looks_like_ofx,
    ofx_amount,
    ofx_day,
    parse_csv,
    parse_ofx,
    parse_statement,
    preview_csv,
    with_dedupe_keys,
)
from coliv_desktop.domain.errors import ValidationError

DATA = Path(__file__).resolve().parents[1] / "data" / "bank"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def plain(lines: list[StatementLine]) -> list[tuple[object, ...]]:
    return [(ln.posted_on, ln.amount, ln.name, ln.memo, ln.fitid, ln.check_number)
            for ln in lines]


@pytest.mark.parametrize("name", ["checking_1.0.2.ofx", "checking_2.x.ofx", "card.qfx"])
def test_ofxtools_and_the_tolerant_reader_agree(name: str) -> None:
    data = read(name)
    by_ofxtools = parse_statement(data, name)
    assert by_ofxtools.reader == "ofxtools"
    ours = _tolerant(_decode(data), by_ofxtools.format)
    assert plain(ours.lines) == plain(by_ofxtools.lines)
    assert (ours.account_id, ours.starts_on, ours.ends_on, ours.closing_balance,
            ours.balance_on) == (by_ofxtools.account_id, by_ofxtools.starts_on,
                                 by_ofxtools.ends_on, by_ofxtools.closing_balance,
                                 by_ofxtools.balance_on)


def test_sgml_checking_statement() -> None:
    s = parse_statement(read("checking_1.0.2.ofx"), "checking_1.0.2.ofx")
    assert (s.format, s.account_id, s.institution) == ("ofx", "000123456789",
                                                       "AUSTIN COMMUNITY BANK")
    # 23:59:59 EST is still the 30th (ofxtools' conversion to UTC would say December 1st)
    assert (s.starts_on, s.ends_on, s.balance_on) == (date(2026, 11, 1), date(2026, 11, 30),
                                                      date(2026, 11, 30))
    assert s.closing_balance == Decimal("5910.63")
    assert plain(s.lines) == [
        (date(2026, 11, 3), Decimal("1200.00"), "ZELLE FROM SARAH CHEN", "November rent",
         "202611030001", None),
        (date(2026, 11, 5), Decimal("-84.37"), "CITY OF AUSTIN UTIL", "ACH DEBIT WEB PMT",
         "202611050002", None),
        (date(2026, 11, 10), Decimal("-250.00"), "CHECK 1042", None, "202611100003", "1042"),
        (date(2026, 11, 12), Decimal("45.00"), "INTEREST & FEES REFUND", None,
         "202611120004", None)]
    assert [ln.dedupe_key for ln in s.lines][0] == "fitid:202611030001"


def test_credit_card_qfx_charges_are_money_out() -> None:
    s = parse_statement(read("card.qfx"), "card.qfx")
    assert (s.format, s.account_id, s.closing_balance) == ("qfx", "4111111111111111",
                                                           Decimal("-29.99"))
    assert [ln.amount for ln in s.lines] == [Decimal("-63.18"), Decimal("-29.99"),
                                             Decimal("63.18")]


def test_a_sloppy_ofx_is_read_by_the_tolerant_reader() -> None:
    """No header fields but three, STMTTRN left open, a comma as the decimal mark."""
    s = parse_statement(read("sloppy.ofx"), "sloppy.ofx")
    assert s.reader == "tolerant"
    assert plain(s.lines) == [
        (date(2026, 11, 12), Decimal("45.00"), "INTEREST & FEES REFUND", None,
         "202611120004", None),
        (date(2026, 12, 2), Decimal("1200.00"), "ZELLE FROM SARAH CHEN", "Dec rent",
         "202612020005", None),
        (date(2026, 12, 5), Decimal("-91.02"), "CITY OF AUSTIN UTIL", None, "202612050006",
         None)]
    assert [ln.row for ln in s.lines] == [15, 21, 28]  # the file's line numbers
    assert (s.closing_balance, s.balance_on) == (Decimal("7064.61"), date(2026, 12, 10))


def test_a_bad_value_names_its_line() -> None:
    with pytest.raises(ValidationError) as bad:
        parse_ofx(read("bad_amount.ofx"))
    assert bad.value.field == "line 16 TRNAMT" and "'forty'" in bad.value.detail
    with pytest.raises(ValidationError, match="no <OFX> element"):
        _tolerant("OFXHEADER:100\n\nnothing here", "ofx")


def test_ofx_values() -> None:
    assert ofx_day("20261105120000.000[-5:EST]", "d") == date(2026, 11, 5)
    assert ofx_day("20261105", "d") == date(2026, 11, 5)
    for bad in ("2026110", "20261345", "19991231"):
        with pytest.raises(ValidationError):
            ofx_day(bad, "d")
    assert ofx_amount("+1200", "a") == Decimal("1200.00")
    assert ofx_amount("-12,50", "a") == Decimal("-12.50")
    for bad in ("1.234", "NaN", "1e3x", "", "-1e309", "1E+40", "99999999999.99", "Infinity"):
        with pytest.raises(ValidationError):
            ofx_amount(bad, "a")
    assert looks_like_ofx(read("checking_2.x.ofx")) and not looks_like_ofx(
        read("signed_amount.csv"))


@pytest.mark.parametrize(("name", "mapping", "amounts", "balance"), [
    ("signed_amount.csv", {"date": "Posting Date", "amount": "Amount", "name": "Description",
                           "balance": "Balance"},
     ["1200.00", "-84.37", "-250.00", "-4.50", "-4.50"], "5616.63"),
    ("debit_credit.csv", {"date": "Date", "debit": "Debit", "credit": "Credit",
                          "name": "Description", "balance": "Balance"},
     ["950.00", "-120.00", "-85.00"], "3745.00"),
    ("inverted_sign.csv", {"date": "Transaction Date", "amount": "Amount",
                           "name": "Description", "invert": True},
     ["-63.18", "-29.99", "63.18"], None),
    ("semicolon_comma_dmy.csv", {"date": "Buchungstag", "amount": "Betrag",
                                 "name": "Verwendungszweck", "balance": "Saldo"},
     ["1200.00", "-84.37", "-9.90"], "5865.73"),
])
def test_csv_of_several_banks(name: str, mapping: dict[str, object], amounts: list[str],
                              balance: str | None) -> None:
    s = parse_csv(read(name), CsvMapping.from_json(mapping))
    assert [f"{ln.amount:.2f}" for ln in s.lines] == amounts
    assert s.closing_balance == (Decimal(balance) if balance else None)
    assert s.starts_on == min(ln.posted_on for ln in s.lines)


def test_the_header_is_guessed_and_the_ambiguous_asked() -> None:
    preview = preview_csv(read("semicolon_comma_dmy.csv"))
    assert preview.delimiter == ";" and preview.encoding == "utf-8-sig"
    assert preview.guess == CsvMapping(date="Buchungstag", amount="Betrag",
                                       name="Verwendungszweck", balance="Saldo")
    assert guess_mapping(["Date", "Description", "Debit", "Credit"]) == CsvMapping(
        date="Date", debit="Debit", credit="Credit", name="Description")
    assert guess_mapping(["When", "What"]) is None
    ambiguous = CsvMapping(date="Date", amount="Amount", name="Description")
    with pytest.raises(ValidationError) as order:
        parse_csv(read("ambiguous_dates.csv"), ambiguous)
    assert order.value.field == "date_order"
    us = parse_csv(read("ambiguous_dates.csv"), replace(ambiguous, date_order="mdy"))
    assert us.lines[0].posted_on == date(2026, 11, 3)
    european = parse_csv(read("ambiguous_dates.csv"), replace(ambiguous, date_order="dmy"))
    assert european.lines[0].posted_on == date(2026, 3, 11)
    with pytest.raises(ValidationError) as mark:
        parse_csv(b"Date,Amount\n2026-11-03,\"1,200\"\n", CsvMapping(date="Date",
                                                                    amount="Amount"))
    assert mark.value.field == "decimal_mark"


def test_csv_errors_name_the_row_and_column() -> None:
    with pytest.raises(ValidationError) as bad:
        parse_csv(read("bad_row.csv"), CsvMapping(date="Date", amount="Amount"))
    assert bad.value.field == "row 3 Amount"
    with pytest.raises(ValidationError) as both:
        parse_csv(b"Date,Debit,Credit\n2026-11-03,5.00,6.00\n",
                  CsvMapping(date="Date", debit="Debit", credit="Credit"))
    assert both.value.field == "row 2" and "both" in both.value.detail
    with pytest.raises(ValidationError) as column:
        parse_csv(read("bad_row.csv"), CsvMapping(date="Date", amount="Total"))
    assert column.value.field == "mapping.amount"
    with pytest.raises(ValidationError):
        CsvMapping.from_json({"date": "Date", "amount": "A", "debit": "D"})
    with pytest.raises(ValidationError):
        CsvMapping.from_json({"date": "Date", "amount": "A", "colour": "red"})
    with pytest.raises(ValidationError, match="its columns need a mapping"):
        parse_statement(read("signed_amount.csv"), "signed_amount.csv")


def test_a_descending_file_closes_on_its_first_row() -> None:
    data = b"Date,Amount,Balance\n2026-11-20,-5.00,95.00\n2026-11-10,100.00,100.00\n"
    s = parse_csv(data, CsvMapping(date="Date", amount="Amount", balance="Balance"))
    assert (s.closing_balance, s.balance_on) == (Decimal("95.00"), date(2026, 11, 20))


def test_identical_lines_are_numbered_within_a_file() -> None:
    s = parse_csv(read("signed_amount.csv"), CsvMapping(
        date="Posting Date", amount="Amount", name="Description"))
    keys = [ln.dedupe_key for ln in s.lines]
    assert keys[3] == "2026-11-14|-4.50|STARBUCKS 123|1"
    assert keys[4] == "2026-11-14|-4.50|STARBUCKS 123|2"
    assert len(set(keys)) == len(keys)


texts = st.text(alphabet="ABC 12", min_size=0, max_size=6)


@given(st.lists(st.tuples(st.integers(1, 3), st.integers(-3, 3), texts), max_size=30))
def test_keys_are_unique_and_stable_under_overlap(rows: list[tuple[int, int, str]]) -> None:
    """Within one file every line has its own key, and a file that repeats the start of
    another gives the overlapping lines the same keys (so they are found again)."""
    lines = [StatementLine(date(2026, 11, d), Decimal(a), t) for d, a, t in rows]
    keys = [ln.dedupe_key for ln in with_dedupe_keys(lines)]
    assert len(set(keys)) == len(keys)
    half = len(lines) // 2
    again = [ln.dedupe_key for ln in with_dedupe_keys(lines[:half])]
    assert again == keys[:half]


def test_line_endings_and_a_missing_header() -> None:
    crlf = read("sloppy.ofx").replace(b"\n", b"\r\n")
    assert [ln.row for ln in parse_statement(crlf, "x.ofx").lines] == [15, 21, 28]
    one_line = read("checking_2.x.ofx").replace(b"\n", b"")
    assert len(parse_statement(one_line, "x.ofx").lines) == 2
    headless = b"<OFX>" + read("checking_1.0.2.ofx").split(b"<OFX>")[1]
    body = parse_statement(headless, "x.ofx")
    assert body.reader == "tolerant" and len(body.lines) == 4
