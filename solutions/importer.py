"""Import a plan's task list from a spreadsheet (XLSX) or a CSV file: read, check, import.

Three steps, no request objects:
- read_table(file, name) reads the rows of the file (ImportFileError when the file itself is
  wrong: too big, not a workbook or CSV, unreadable, no header row);
- validate(plan, table) turns each row into a ParsedRow with its errors (unknown area, solution
  or unit, bad date, duplicate code, missing text), in a bounded number of queries;
- import_table(plan=..., table=..., user=...) checks everything again and creates the tasks and
  their assignments in one transaction: all of them or none (ImportRejected names the rows).

UploadStore keeps an uploaded file between the preview and the import, under a random token; the
import claims (renames) the file first, so a second submit of the same upload finds nothing.
"""

import csv
import datetime
import io
import os
import re
import secrets
import time
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from plans.models import Plan
from solutions.models import Assignment, Solution, Task
from solutions.search import fold
from solutions.services import assign_task, save_task
from units.models import Unit

MAX_BYTES = 5 * 1024 * 1024
# A plan has tens to a few hundred tasks; a bigger file is a mistake (or an attack).
MAX_ROWS = 2000
# The header row may sit below a title block ("KẾ HOẠCH ... NĂM 2027"): look this far down.
HEADER_SCAN_ROWS = 15
MAX_COLUMNS = 40
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
EXTENSIONS = (".xlsx", ".csv")

CODE, AREA, SOLUTION, TITLE, OUTPUT, LEAD, SUPPORT, DEADLINE = (
    "code", "area", "solution", "title", "expected_output", "lead", "support", "deadline",
)
COLUMNS = [CODE, AREA, SOLUTION, TITLE, OUTPUT, LEAD, SUPPORT, DEADLINE]
REQUIRED_COLUMNS = [CODE, AREA, TITLE, OUTPUT, LEAD, DEADLINE]
COLUMN_LABELS = {
    CODE: gettext_lazy("Code (Mã)"),
    AREA: gettext_lazy("Area (Lĩnh vực)"),
    SOLUTION: gettext_lazy("Solution (Giải pháp)"),
    TITLE: gettext_lazy("Task (Nhiệm vụ)"),
    OUTPUT: gettext_lazy("Expected output (Sản phẩm)"),
    LEAD: gettext_lazy("Lead units (Chủ trì)"),
    SUPPORT: gettext_lazy("Supporting units (Phối hợp)"),
    DEADLINE: gettext_lazy("Deadline (Thời hạn)"),
}
# Header texts, compared folded (no diacritics, lower case, single spaces).
HEADER_ALIASES = {
    CODE: ["mã", "mã nhiệm vụ", "mã số", "code", "task code"],
    AREA: ["lĩnh vực", "số lĩnh vực", "lĩnh vực số", "area", "area number", "reform area"],
    SOLUTION: ["giải pháp", "số giải pháp", "giải pháp số", "solution", "solution number"],
    TITLE: ["nhiệm vụ", "tên nhiệm vụ", "nội dung nhiệm vụ", "title", "task"],
    OUTPUT: ["sản phẩm", "sản phẩm đầu ra", "kết quả", "expected output", "output"],
    LEAD: ["chủ trì", "cơ quan chủ trì", "đơn vị chủ trì", "lead units", "lead unit", "lead"],
    SUPPORT: ["phối hợp", "cơ quan phối hợp", "đơn vị phối hợp", "supporting units",
              "supporting unit", "support units", "support"],
    DEADLINE: ["thời hạn", "thời gian hoàn thành", "thời hạn hoàn thành", "deadline",
               "due date"],
}

# "thường xuyên" (ongoing, all year) or nothing: no due date, judged at the plan's end.
ONGOING = {"thuong xuyen", "ongoing", "hang nam", "ca nam"}
_DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"]
# Plans also set a month or a quarter: "Tháng 6/2027", "Quý II/2027" = its last day.
_MONTH = re.compile(r"^thang\s*(\d{1,2})\s*[/-]\s*(\d{4})$")
_QUARTER = re.compile(r"^quy\s*(i{1,3}|iv|[1-4])\s*[/-]\s*(\d{4})$")
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_UNIT_SEPARATORS = re.compile(r"[;\n\r]+")
_MODEL_MAX = {CODE: 20, TITLE: 500, OUTPUT: 500}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the person who uploaded it."""


class ImportRejected(Exception):
    """At least one row has an error: nothing was imported."""

    def __init__(self, rows: list["ParsedRow"]):
        super().__init__("rows with errors")
        self.rows = rows


@dataclass
class Table:
    """The rows under the header: {column: cell value} with the row's number in the file."""

    rows: list[tuple[int, dict[str, Any]]]
    columns: list[str]
    sheet: str = ""


@dataclass
class ParsedRow:
    number: int
    code: str = ""
    area_text: str = ""
    solution_text: str = ""
    title: str = ""
    expected_output: str = ""
    lead_text: str = ""
    support_text: str = ""
    deadline_text: str = ""
    area: Any = None
    solution: Any = None
    lead: list[Unit] = field(default_factory=list)
    support: list[Unit] = field(default_factory=list)
    due_date: datetime.date | None = None
    deadline_bad: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def ongoing(self) -> bool:
        return self.due_date is None


# --- Reading ------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text: NFC (text pasted from a PDF is often NFD), trimmed; 2.0 -> "2".

    NUL characters, which no spreadsheet means and PostgreSQL cannot store, are dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y") if value.time() == datetime.time() else str(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(value).replace("\x00", "")).strip()


def _header_key(value: Any) -> str:
    text = fold(_text(value))
    text = re.sub(r"\(.*?\)|[*:#]", " ", text)  # "Chủ trì (*)", "Mã:"
    return " ".join(text.split())


_ALIAS_INDEX = {
    " ".join(fold(alias).split()): column
    for column, aliases in HEADER_ALIASES.items()
    for alias in aliases
}


def _match_header(cells: Iterable[Any]) -> dict[int, str] | None:
    """{cell index: column} when the cells look like the header row, else None."""
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        column = _ALIAS_INDEX.get(_header_key(cell))
        if column is not None:
            if column in found.values():
                raise ImportFileError(
                    _("The column “%(name)s” appears twice in the header row.")
                    % {"name": _text(cell)}
                )
            found[index] = column
    # The code and the title name a task list; two columns are not enough to be sure.
    if CODE in found.values() and TITLE in found.values() and len(found) >= 3:
        return found
    return None


def _table_from_rows(rows: Iterable[tuple[int, list[Any]]], sheet: str = "") -> Table | None:
    """Find the header in the first rows, then read the rows under it (None: no header)."""
    header: dict[int, str] | None = None
    data: list[tuple[int, dict[str, Any]]] = []
    for number, cells in rows:
        if header is None:
            header = _match_header(cells)
            if header is None and number >= HEADER_SCAN_ROWS:
                return None
            if header is not None:
                missing = [c for c in REQUIRED_COLUMNS if c not in header.values()]
                if missing:
                    raise ImportFileError(
                        _("The header row has no column for: %(columns)s.")
                        % {"columns": ", ".join(str(COLUMN_LABELS[c]) for c in missing)}
                    )
            continue
        values = {column: cells[i] if i < len(cells) else None for i, column in header.items()}
        if all(_text(v) == "" for v in values.values()):
            continue  # blank rows between groups of tasks
        if len(data) >= MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(limit)s tasks: split it into smaller files.")
                % {"limit": MAX_ROWS}
            )
        data.append((number, values))
    if header is None:
        return None
    return Table(rows=data, columns=list(header.values()), sheet=sheet)


def _no_header_error() -> ImportFileError:
    names = ", ".join(f"“{HEADER_ALIASES[c][0]}”" for c in REQUIRED_COLUMNS)
    return ImportFileError(
        _("No header row was found. The first rows must include a row with the column "
          "names: %(names)s.") % {"names": names}
    )


def _kind(head: bytes, name: str) -> str:
    suffix = Path(name or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise ImportFileError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or as "
              "CSV UTF-8, then upload it again.")
        )
    if suffix == ".xlsx":
        if not head.startswith(b"PK\x03\x04"):
            raise ImportFileError(
                _("This file is not an Excel workbook, whatever its name says. Upload an .xlsx "
                  "file saved by Excel or LibreOffice, or a CSV file.")
            )
        return "xlsx"
    if b"\x00" in head or head.startswith((b"PK\x03\x04", b"MZ", b"%PDF")):
        raise ImportFileError(
            _("This file is not a CSV text file, whatever its name says. Upload a CSV file "
              "(CSV UTF-8) or an Excel workbook (.xlsx).")
        )
    return "csv"


def read_table(file: IO[bytes], name: str) -> Table:
    """The task rows of an uploaded .xlsx or .csv file; ImportFileError says what is wrong."""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
    if size > MAX_BYTES:
        raise ImportFileError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)}
        )
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    kind = _kind(head, name)
    table = _read_xlsx(file) if kind == "xlsx" else _read_csv(file.read())
    if not table.rows:
        raise ImportFileError(_("The file has a header row but no tasks under it."))
    return table


def _read_xlsx(file: IO[bytes]) -> Table:
    import openpyxl  # only the import needs it

    unreadable = ImportFileError(
        _("The workbook cannot be read (it may be damaged or protected by a password). "
          "Open it in Excel, save it again as .xlsx, and upload it again.")
    )
    try:
        with zipfile.ZipFile(file) as archive:
            # A few megabytes of zip can unpack to gigabytes: refuse before openpyxl tries.
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise unreadable from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise unreadable
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # "Data Validation extension is not supported" and the like: harmless here.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # not a workbook inside the zip, encrypted, damaged...
        raise unreadable from error
    try:
        for sheet in book.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # a chart sheet
            # Read-only mode stops at the sheet's declared dimension (<dimension ref="A1:H5"/>),
            # which some writers leave smaller than the rows: forget it and read every row.
            sheet.reset_dimensions()
            rows = (
                (number, list(cells))
                for number, cells in enumerate(
                    sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1
                )
            )
            try:
                table = _table_from_rows(rows, sheet=sheet.title)
            except ImportFileError:
                raise
            except Exception as error:  # a crafted or damaged sheet: openpyxl raises anything
                raise ImportFileError(
                    _("The sheet “%(sheet)s” cannot be read. Save the workbook again as .xlsx "
                      "and upload it again.") % {"sheet": sheet.title}
                ) from error
            if table is not None:
                return table
    finally:
        book.close()
    raise _no_header_error()


def _read_csv(raw: bytes) -> Table:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("The CSV file is not in UTF-8. In Excel, save it as “CSV UTF-8 (Comma "
              "delimited)”, then upload it again.")
        ) from error
    # Excel writes ";" where the decimal separator is ","; try each and keep the one that
    # finds a header row.
    for delimiter in _delimiters(text):
        rows = enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
        try:
            table = _table_from_rows(rows)
        except csv.Error as error:
            raise ImportFileError(
                _("The CSV file cannot be read: %(error)s") % {"error": error}
            ) from error
        if table is not None:
            return table
    raise _no_header_error()


def _delimiters(text: str) -> list[str]:
    sample = text[:4096]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = None
    ordered = [sniffed] if sniffed else []
    return ordered + [d for d in (";", ",", "\t") if d != sniffed]


# --- Checking -----------------------------------------------------------------------------------


def parse_deadline(value: Any) -> datetime.date | None:
    """A date cell, dd/mm/yyyy, yyyy-mm-dd, "Tháng 6/2027", "Quý II/2027"; None = ongoing.

    Raises ValueError for anything else, and for a year outside 2000..2100 ("1/3/27" reads as
    the year 27: a typo, not a deadline).
    """
    due = _parse_deadline(value)
    if due is not None and not 2000 <= due.year <= 2100:
        raise ValueError(f"year {due.year}")
    return due


def _parse_deadline(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("a number, not a date")
    text = _text(value)
    folded = " ".join(fold(text).split())
    if folded in ONGOING or folded == "":
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    if match := _MONTH.match(folded):
        month, year = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            first_next = datetime.date(year + month // 12, month % 12 + 1, 1)
            return first_next - datetime.timedelta(days=1)
    if match := _QUARTER.match(folded):
        quarter, year = _QUARTERS[match[1]], int(match[2])
        month = quarter * 3
        first_next = datetime.date(year + month // 12, month % 12 + 1, 1)
        return first_next - datetime.timedelta(days=1)
    raise ValueError(text)


def _number(text: str) -> int | None:
    text = text.strip().rstrip(".")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 4 else None


class UnitIndex:
    """Units of one day, found by code, name or short name, diacritics and case aside."""

    def __init__(self, units: Iterable[Unit]):
        self.by_key: dict[str, set[Unit]] = {}
        self.by_code: dict[str, Unit] = {}
        for unit in units:
            self.by_code[fold(unit.code)] = unit
            for key in {fold(unit.name), fold(unit.short_name)} - {""}:
                self.by_key.setdefault(" ".join(key.split()), set()).add(unit)

    def find(self, text: str) -> tuple[Unit | None, str | None]:
        """(unit, None), or (None, the error to show)."""
        key = " ".join(fold(text).split())
        if key in self.by_code:
            return self.by_code[key], None
        matches = self.by_key.get(key, set())
        if len(matches) == 1:
            return next(iter(matches)), None
        if matches:
            codes = ", ".join(sorted(u.code for u in matches))
            return None, _("“%(unit)s” names several units (%(codes)s): use the unit's code.") % {
                "unit": text, "codes": codes}
        return None, _("Unknown unit “%(unit)s”.") % {"unit": text}


def _split_units(text: str) -> list[str]:
    return [part.strip() for part in _UNIT_SEPARATORS.split(text) if part.strip()]


@dataclass
class PlanLookups:
    """What checking a file against a plan needs, read in four queries."""

    areas: dict[int, Any]
    solutions: dict[int, Solution]
    existing_codes: set[str]
    units: UnitIndex
    units_on: datetime.date

    @classmethod
    def load(cls, plan: Plan) -> "PlanLookups":
        return cls(
            areas={a.number: a for a in plan.areas.all()},
            solutions={s.number: s for s in Solution.objects.filter(plan=plan)},
            existing_codes=set(Task.objects.filter(plan=plan).values_list("code", flat=True)),
            units=UnitIndex(Unit.objects.active(on=plan.start_date)),
            units_on=plan.start_date,
        )


def validate(plan: Plan, table: Table, lookups: PlanLookups | None = None) -> list[ParsedRow]:
    """Every row with its parsed values and its errors (texts to show, row by row)."""
    lookups = lookups or PlanLookups.load(plan)
    rows = [_parse_row(number, values, lookups) for number, values in table.rows]
    first_row_of: dict[str, int] = {}
    for row in rows:
        if not row.code:
            continue
        if row.code in lookups.existing_codes:
            row.errors.append(_("Task %(code)s already exists in this plan.") % {"code": row.code})
        if row.code in first_row_of:
            row.errors.append(_("Code %(code)s is already used on row %(row)s of this file.")
                              % {"code": row.code, "row": first_row_of[row.code]})
        else:
            first_row_of[row.code] = row.number
    return rows


def _parse_row(number: int, values: dict[str, Any], lookups: PlanLookups) -> ParsedRow:
    row = ParsedRow(
        number=number,
        code=" ".join(_text(values.get(CODE)).split()),
        area_text=_text(values.get(AREA)),
        solution_text=_text(values.get(SOLUTION)),
        title=_text(values.get(TITLE)),
        expected_output=_text(values.get(OUTPUT)),
        lead_text=_text(values.get(LEAD)),
        support_text=_text(values.get(SUPPORT)),
        deadline_text=_text(values.get(DEADLINE)),
    )
    errors = row.errors
    if not row.code:
        errors.append(_("The code is missing."))
    for name, value, missing in (
        (TITLE, row.title, _("The task's title is missing.")),
        (OUTPUT, row.expected_output, _("The expected output is missing.")),
    ):
        if not value:
            errors.append(missing)
    for name, value in ((CODE, row.code), (TITLE, row.title), (OUTPUT, row.expected_output)):
        if len(value) > _MODEL_MAX[name]:
            errors.append(
                _("%(column)s is longer than %(limit)s characters.")
                % {"column": COLUMN_LABELS[name], "limit": _MODEL_MAX[name]}
            )

    if not row.area_text:
        errors.append(_("The area number is missing."))
    else:
        area_number = _number(row.area_text)
        row.area = lookups.areas.get(area_number) if area_number is not None else None
        if row.area is None:
            errors.append(_("This plan has no reform area number %(value)s.")
                          % {"value": row.area_text})
    if row.solution_text:
        solution_number = _number(row.solution_text)
        row.solution = (
            lookups.solutions.get(solution_number) if solution_number is not None else None
        )
        if row.solution is None:
            errors.append(_("This plan has no solution number %(value)s.")
                          % {"value": row.solution_text})

    row.lead = _units(row.lead_text, lookups, errors)
    row.support = _units(row.support_text, lookups, errors)
    if not row.lead_text:
        errors.append(_("The lead unit is missing."))
    both = {u.pk for u in row.lead} & {u.pk for u in row.support}
    for unit in row.lead:
        if unit.pk in both:
            errors.append(_("%(unit)s is both a lead and a supporting unit.")
                          % {"unit": unit.label})

    try:
        row.due_date = parse_deadline(values.get(DEADLINE))
    except ValueError:
        row.deadline_bad = True
        errors.append(
            _("“%(value)s” is not a deadline: write a date as dd/mm/yyyy, or “thường xuyên” "
              "for an ongoing task.") % {"value": row.deadline_text}
        )
    return row


def _units(text: str, lookups: PlanLookups, errors: list[str]) -> list[Unit]:
    found: dict[int, Unit] = {}
    for part in _split_units(text):
        unit, error = lookups.units.find(part)
        if error:
            errors.append(error)
        elif unit.pk not in found:
            found[unit.pk] = unit
    return list(found.values())


def error_count(rows: list[ParsedRow]) -> int:
    return sum(1 for row in rows if row.errors)


# --- Importing ----------------------------------------------------------------------------------


def import_table(*, plan: Plan, table: Table, user) -> list[Task]:
    """Check every row again and create all the tasks with their assignments, or nothing.

    The plan row is locked first, so two imports into the same plan queue: the second one sees
    the first one's codes and reports them as duplicates instead of half-importing.
    """
    with transaction.atomic():
        Plan.objects.select_for_update().get(pk=plan.pk)
        rows = validate(plan, table)
        if error_count(rows):
            raise ImportRejected(rows)
        tasks = []
        try:
            # A savepoint, so that a unique-constraint race rolls back and is reported.
            with transaction.atomic():
                for row in rows:
                    task = save_task(
                        task=Task(), plan=plan, area=row.area, solution=row.solution,
                        code=row.code, title=row.title, expected_output=row.expected_output,
                        due_date=row.due_date,
                    )
                    assign_task(task=task, units=row.lead, role=Assignment.Role.LEAD, user=user)
                    if row.support:
                        assign_task(task=task, units=row.support, role=Assignment.Role.SUPPORT,
                                    user=user)
                    tasks.append(task)
        except (IntegrityError, ValidationError) as error:
            # A task created by hand between the check and the insert: say so, import nothing.
            raise ImportFileError(
                _("The plan changed while importing (%(error)s). Nothing was imported; upload "
                  "the file again.") % {"error": _error_text(error)}
            ) from error
        return tasks


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return _("a task code is already used")


def summary(rows: list[ParsedRow]) -> str:
    errors = error_count(rows)
    if errors:
        return ngettext(
            "%(errors)s of %(rows)s row has errors.", "%(errors)s of %(rows)s rows have errors.",
            len(rows),
        ) % {"errors": errors, "rows": len(rows)}
    return ngettext("%(rows)s task is ready to import.", "%(rows)s tasks are ready to import.",
                    len(rows)) % {"rows": len(rows)}


# --- Keeping an upload between the preview and the import ---------------------------------------


_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


class UploadStore:
    """Uploaded files under <root>/<token><suffix>, for a day at most.

    The token is random and the suffix one of EXTENSIONS, so no name sent by a browser ever
    becomes a path. claim() renames the file atomically: of two submits of the same upload, one
    gets the file and the other None.
    """

    MAX_AGE_SECONDS = 24 * 60 * 60
    _CLAIMED = ".claimed"

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def _path(self, token: str, suffix: str) -> Path:
        if not _TOKEN.match(token or "") or suffix not in EXTENSIONS:
            raise FileNotFoundError(token)
        return self.root / f"{token}{suffix}"

    def save(self, file: IO[bytes], suffix: str) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        self.sweep()
        token = secrets.token_urlsafe(32)
        path = self._path(token, suffix)
        file.seek(0)
        with open(path, "xb") as out:
            for chunk in iter(lambda: file.read(64 * 1024), b""):
                out.write(chunk)
        return token

    def open(self, token: str, suffix: str) -> IO[bytes] | None:
        try:
            return open(self._path(token, suffix), "rb")
        except FileNotFoundError:
            return None

    def claim(self, token: str, suffix: str) -> Path | None:
        try:
            path = self._path(token, suffix)
            claimed = path.with_name(path.name + self._CLAIMED)
            os.rename(path, claimed)
        except FileNotFoundError:
            return None
        return claimed

    def release(self, claimed: Path) -> None:
        """Give a claimed file back (the import was refused): the preview shows why."""
        os.rename(claimed, claimed.with_name(claimed.name.removesuffix(self._CLAIMED)))

    def delete(self, token: str, suffix: str) -> None:
        for path in (self._path(token, suffix),
                     self._path(token, suffix).with_name(f"{token}{suffix}{self._CLAIMED}")):
            path.unlink(missing_ok=True)

    def sweep(self) -> None:
        """Remove uploads nobody imported within a day."""
        cutoff = time.time() - self.MAX_AGE_SECONDS
        for path in self.root.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
            except OSError:
                pass
