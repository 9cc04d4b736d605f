"""Learner CSV files: every row checked first, line numbers for every problem, safe exports."""

from __future__ import annotations

import unicodedata

import pytest

from microcred.errors import PayloadTooLarge
from microcred.learner_csv import read_learners, safe_cell, write_csv

TODAY = "2025-06-30"
HEADER = "given_name,family_name,learner_id,email,grade,date\n"


def read(text: str | bytes, **kwargs: object) -> object:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_learners(data, default_date=TODAY, **kwargs)  # type: ignore[arg-type]


def test_vietnamese_names_survive_and_are_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn")
    result = read(HEADER + f"Thị Ánh,{decomposed},SV1,anh@example.vn,9,2025-06-01\n")
    (row,) = result.rows  # type: ignore[attr-defined]
    assert (row.given_name, row.family_name, row.line) == ("Thị Ánh", "Nguyễn", 2)
    assert row.family_name == unicodedata.normalize("NFC", "Nguyễn")
    assert (row.email, row.grade, row.date) == ("anh@example.vn", "9", "2025-06-01")


def test_bom_semicolons_blank_lines_and_defaults_are_fine() -> None:
    data = "\ufeffGiven Name;Family-Name;learner_id\r\n\r\nVăn An;Trần;SV2\r\n".encode()
    result = read(data)
    (row,) = result.rows  # type: ignore[attr-defined]
    assert (row.given_name, row.date, row.line, row.grade) == ("Văn An", TODAY, 3, None)


def test_extra_columns_are_named_and_ignored() -> None:
    result = read("given_name,family_name,learner_id,class\nAn,Lê,SV3,K65\n")
    assert result.ignored_columns == ("class",)  # type: ignore[attr-defined]
    assert len(result.rows) == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        (b"given_name,family_name,learner_id\nAn,L\xea,SV1\n", 2, ""),
        ("given_name,learner_id\nAn,SV1\n", 1, "family_name"),
        ("given_name,given_name,family_name,learner_id\n", 1, "given_name"),
        (HEADER + "An,Lê,SV1,,,\nBình,Võ\n", 3, ""),
        (HEADER + "An,Lê,,,,\n", 2, "learner_id"),
        (HEADER + ",,SV1,,,\n", 2, "learner"),
        (HEADER + "An,Lê,SV1,,,30/06/2025\n", 2, "date"),
        (HEADER + "An,Lê,SV1,not-an-email,,\n", 2, "email"),
        (HEADER + "An,Lê,SV1,,,\nBình,Võ,SV1,,,\n", 3, "learner_id"),
        (HEADER + 'An,"Lê\nVăn",SV1,,,\n', 2, "family_name"),
        (HEADER + 'An,Lê,SV1,,,\nBình,"Võ,SV2,,,\n', 3, ""),
        (HEADER + "An\x01,Lê,SV1,,,\n", 2, "given_name"),
        ("", 1, ""),
        (HEADER, 2, ""),
        (b"\x00\x01\x02", 1, ""),
    ],
    ids=[
        "not-utf8",
        "missing-column",
        "duplicate-column",
        "field-count",
        "no-learner-id",
        "no-name",
        "day-first-date",
        "bad-email",
        "duplicate-learner",
        "line-break-in-name",
        "unterminated-quote",
        "control-character",
        "empty",
        "header-only",
        "binary",
    ],
)
def test_problems_come_with_line_numbers_and_no_rows(
    text: str | bytes, line: int, column: str
) -> None:
    result = read(text)
    assert result.rows == ()  # type: ignore[attr-defined]
    first = result.errors[0]  # type: ignore[attr-defined]
    assert (first.line, first.column) == (line, column), result.errors  # type: ignore[attr-defined]


def test_one_bad_row_stops_every_row() -> None:
    result = read(HEADER + "An,Lê,SV1,,,\nBình,Võ,,,,\nChi,Mai,SV3,,,\n")
    assert result.rows == () and [e.line for e in result.errors] == [3]  # type: ignore[attr-defined]


def test_learners_who_already_have_the_award_are_reported() -> None:
    result = read(HEADER + "An,Lê,SV1,,,\n", existing_ids={"SV1"})
    assert result.errors[0].message == "this learner already has this award"  # type: ignore[attr-defined]


def test_row_and_size_caps() -> None:
    many = HEADER + "".join(f"A,B,SV{i},,,\n" for i in range(12))
    result = read(many, max_rows=10)
    assert "more than 10" in result.errors[-1].message  # type: ignore[attr-defined]
    with pytest.raises(PayloadTooLarge):
        read(many, max_bytes=50)


def test_ten_thousand_rows_are_read() -> None:
    text = HEADER + "".join(f"Thị {i},Nguyễn,SV{i:06d},,8,\n" for i in range(10_000))
    assert len(read(text).rows) == 10_000  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM", "'@SUM"),
        ("Ánh", "Ánh"),
    ],
    ids=["equals", "plus", "minus", "at", "plain"],
)
def test_exported_cells_never_run_as_formulas(value: str, written: str) -> None:
    assert safe_cell(value) == written


def test_written_csv_has_a_bom_for_excel() -> None:
    text = write_csv(["a", "b"], [["Ánh", "=1"]])
    assert text == "\ufeffa,b\r\nÁnh,'=1\r\n"
