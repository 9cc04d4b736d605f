"""Learner lists as CSV: read and check every row before anything is issued; write result sheets.

Input: UTF-8 (a byte-order mark is tolerated; Excel adds one), comma- or semicolon-separated,
a header row naming `given_name`, `family_name`, `learner_id` and optionally `email`, `grade`,
`date` (ISO dates). Every row is checked against the Annex I award rules; names are normalised
to Unicode NFC so that a Vietnamese name typed on a Mac (decomposed) and on Windows (composed)
is the same text. The result lists every problem with its line number, or rows and no problems:
a caller creates nothing unless `errors` is empty.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass

from .annex import award_problems
from .course import Award
from .errors import PayloadTooLarge

REQUIRED_COLUMNS = ("given_name", "family_name", "learner_id")
OPTIONAL_COLUMNS = ("email", "grade", "date")
# A 10,000-learner file with long names is about 1.5 MB.
MAX_CSV_BYTES = 5_000_000
MAX_ROWS = 20_000
# Problems listed before stopping: enough to fix a file, not a 20,000-line report.
MAX_ERRORS = 200
MAX_EMAIL = 254
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Cells a spreadsheet would run as a formula (CSV injection): prefixed with ' when written.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class LearnerRow:
    """One checked learner of the file, with the line it came from."""

    line: int
    given_name: str
    family_name: str
    learner_id: str
    email: str | None
    grade: str | None
    date: str

    def award(self, valid_until: str | None = None) -> Award:
        """The award this row stands for."""
        return Award(
            given_name=self.given_name,
            family_name=self.family_name,
            learner_id=self.learner_id,
            date_of_issuance=self.date,
            grade=self.grade,
            valid_until=valid_until,
        )


@dataclass(frozen=True)
class RowError:
    """A problem in the file: the line (1 is the header), the column and what to fix."""

    line: int
    column: str
    message: str


@dataclass(frozen=True)
class LearnerImport:
    """The outcome of reading a file: checked rows, or the problems that stop the import."""

    rows: tuple[LearnerRow, ...]
    errors: tuple[RowError, ...]
    ignored_columns: tuple[str, ...] = ()


def _decode(data: bytes) -> str | RowError:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return RowError(line, "", "the file is not UTF-8 text (save it as CSV UTF-8)")
    if "\x00" in text:
        return RowError(text[: text.index("\x00")].count("\n") + 1, "", "the file is not text")
    return text


def _header(names: Sequence[str]) -> tuple[dict[str, int], list[RowError], tuple[str, ...]]:
    columns: dict[str, int] = {}
    errors: list[RowError] = []
    ignored = []
    for position, raw in enumerate(names):
        name = raw.strip().lower().replace(" ", "_").replace("-", "_")
        if name in columns:
            errors.append(RowError(1, name, "this column appears twice"))
        elif name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            columns[name] = position
        elif name:
            ignored.append(raw.strip()[:40])
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            errors.append(RowError(1, name, f"the header has no {name} column"))
    return columns, errors, tuple(ignored)


def _cell(record: Sequence[str], columns: dict[str, int], name: str) -> str | None:
    position = columns.get(name)
    if position is None:
        return None
    value = unicodedata.normalize("NFC", record[position].strip())
    return value or None


def _row(
    record: Sequence[str], line: int, columns: dict[str, int], default_date: str
) -> LearnerRow | list[RowError]:
    email = _cell(record, columns, "email")
    row = LearnerRow(
        line=line,
        given_name=_cell(record, columns, "given_name") or "",
        family_name=_cell(record, columns, "family_name") or "",
        learner_id=_cell(record, columns, "learner_id") or "",
        email=email,
        grade=_cell(record, columns, "grade"),
        date=_cell(record, columns, "date") or default_date,
    )
    errors = [
        RowError(line, "date" if p.field == "date_of_issuance" else p.field, p.message)
        for p in award_problems(row.award())
    ]
    if email is not None and (len(email) > MAX_EMAIL or not _EMAIL.fullmatch(email)):
        errors.append(RowError(line, "email", "not an e-mail address"))
    return errors or row


def _dialect(text: str) -> str:
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def read_learners(
    data: bytes,
    *,
    default_date: str,
    existing_ids: Container[str] = frozenset(),
    max_rows: int = MAX_ROWS,
    max_bytes: int = MAX_CSV_BYTES,
) -> LearnerImport:
    """Read and check a learner CSV; `existing_ids` are learner ids that already have the award."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"the file is over {max_bytes // 1_000_000} MB")
    text = _decode(data)
    if isinstance(text, RowError):
        return LearnerImport((), (text,))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text), strict=True)
    rows: list[LearnerRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    try:
        header = next(reader, None)
        if header is None:
            return LearnerImport((), (RowError(1, "", "the file is empty"),))
        columns, errors, ignored = _header(header)
        if errors:
            return LearnerImport((), tuple(errors), ignored)
        previous = reader.line_num
        for record in reader:
            line, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) + len(errors) >= max_rows:
                errors.append(RowError(line, "", f"the file has more than {max_rows} learners"))
                break
            if len(record) != len(header):
                message = f"{len(record)} fields where the header has {len(header)}"
                errors.append(RowError(line, "", message))
                continue
            checked = _row(record, line, columns, default_date)
            if isinstance(checked, list):
                errors.extend(checked)
                continue
            if checked.learner_id in seen:
                message = f"same learner id as line {seen[checked.learner_id]}"
                errors.append(RowError(line, "learner_id", message))
            elif checked.learner_id in existing_ids:
                errors.append(RowError(line, "learner_id", "this learner already has this award"))
            seen.setdefault(checked.learner_id, line)
            rows.append(checked)
            if len(errors) >= MAX_ERRORS:
                break
    except csv.Error as error:
        errors.append(RowError(reader.line_num, "", f"malformed CSV ({error})"[:120]))
    if not rows and not errors:
        errors.append(RowError(2, "", "the file has no learners"))
    return LearnerImport(() if errors else tuple(rows), tuple(errors[:MAX_ERRORS]), ignored)


def safe_cell(value: str) -> str:
    """A cell value that a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """CSV text (with a BOM so that Excel reads UTF-8) with every cell made formula-safe."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
