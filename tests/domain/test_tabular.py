"""Reading spreadsheets as people save them (domain.tabular, issue 15)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from coliv_desktop.domain import tabular
from coliv_desktop.domain.errors import ValidationError


def test_rows_are_numbered_as_a_spreadsheet_numbers_them() -> None:
    data = b'a;b\n"two\nlines";2\n\n  3 ;4  \n'
    sheet = tabular.read_csv(data)
    assert sheet.delimiter == ";"
    # the quoted line break stays in its row; the blank row 3 is skipped but counted
    assert sheet.rows == [(1, ["a", "b"]), (2, ["two\nlines", "2"]), (4, ["3", "4"])]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16",
                                      "utf-16-le"])
def test_encodings_are_detected(encoding: str) -> None:
    text = "Name,Rent\r\nÉlodie Müller,1200\r\nJosé,950\r\n"
    sheet = tabular.read_csv(text.encode(encoding))
    assert [cells for _, cells in sheet.rows] == [["Name", "Rent"], ["Élodie Müller", "1200"],
                                                  ["José", "950"]]


def test_an_encoding_given_overrides_and_a_wrong_one_is_named() -> None:
    data = "Name,Rent\nÉlodie,1\n".encode("cp1252")
    assert tabular.read_csv(data, encoding="latin-1").rows[1][1] == ["Élodie", "1"]
    with pytest.raises(ValidationError) as caught:
        tabular.read_csv(data, encoding="utf-8")
    assert caught.value.field == "encoding"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_detected(delimiter: str) -> None:
    rows = [["Property", "Room", "Rent"], ["Maple, the big one", "A", "1.200,50"],
            ["Oak", "B", "900"]]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    sheet = tabular.read_csv(out.getvalue().encode())
    assert sheet.delimiter == delimiter
    assert [cells for _, cells in sheet.rows] == rows


def test_title_rows_above_the_header_are_skipped() -> None:
    data = b"Rooms export,,\nas of 2026-03-01,,\n,,\nProperty,Room,Rent\nMaple,A,900\n"
    sheet = tabular.read_csv(data)
    assert sheet.header_index() == 2
    assert list(tabular.records(sheet)) == [(5, {"Property": "Maple", "Room": "A",
                                                 "Rent": "900"})]


def test_empty_and_repeated_headers_get_column_letters() -> None:
    assert tabular.header_names(["Rent", "", "Rent", " Room "]) == [
        "Rent", "Column B", "Column C", "Room"]
    assert tabular.column_letter(0) == "A"
    assert tabular.column_letter(25) == "Z"
    assert tabular.column_letter(26) == "AA"


def test_a_broken_csv_names_its_row() -> None:
    data = b'a,b\n1,2\n3,"x\x00y"\n'
    with pytest.raises(ValidationError):
        tabular.read_csv(data)
    huge = b"a,b\n1,2\n3," + b"x" * (tabular.MAX_CELL * 5) + b"\n"
    with pytest.raises(ValidationError) as caught:
        tabular.read_csv(huge)
    assert caught.value.field == "row 3"


def test_xlsx_cells_as_text(tmp_path: Path) -> None:
    from datetime import date, datetime
    from decimal import Decimal

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Rooms"
    sheet.append(["Rooms of 2026"])
    sheet.merge_cells("A1:E1")  # a merged title across the table
    sheet.append(["Property", "Rent", "From", "Beds", "Paid"])
    sheet.append(["Maple", 1200.5, date(2026, 3, 4), 2, True])
    sheet.append([None, None, None, None, None])
    sheet.append(["Oak", Decimal("950.00"), datetime(2026, 1, 2), 1.0, False])
    other = book.create_sheet("Other")
    other.append(["x", "y"])
    path = tmp_path / "rooms.xlsx"
    book.save(path)
    read = tabular.read_xlsx(path)
    assert read.sheet_names == tabular.xlsx_sheet_names(path) == ["Rooms", "Other"]
    assert read.rows == [(1, ["Rooms of 2026"]),
                         (2, ["Property", "Rent", "From", "Beds", "Paid"]),
                         (3, ["Maple", "1200.5", "2026-03-04", "2", "TRUE"]),
                         (5, ["Oak", "950", "2026-01-02", "1", "FALSE"])]
    assert tabular.read_file(path, sheet="Other").rows == [(1, ["x", "y"])]
    with pytest.raises(ValidationError) as caught:
        tabular.read_file(path, sheet="Nope")
    assert caught.value.field == "sheet"
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ValidationError):
        tabular.read_file(tmp_path / "bad.xlsx")


cell_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(cell_text, min_size=3, max_size=3), min_size=1, max_size=8),
       delimiter=st.sampled_from([",", ";", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
def test_any_csv_reads_back_its_cells(rows: list[list[str]], delimiter: str, encoding: str,
                                      quoting: int) -> None:
    header = ["Alpha", "Beta", "Gamma"]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting).writerows([header, *rows])
    sheet = tabular.read_csv(out.getvalue().encode(encoding), delimiter=delimiter)
    expected = [[c.strip().strip("\ufeff").strip() for c in row] for row in [header, *rows]]
    got = [cells for _, cells in sheet.rows]
    assert got == [row for row in expected if any(row)]
