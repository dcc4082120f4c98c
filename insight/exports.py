"""A period report as a spreadsheet (XLSX, openpyxl) or as CSV, from reports.for_display() data.

Both carry the same header block and tables as the page. CSV is UTF-8 with a byte order mark:
without it Excel reads the file as the local ANSI code page and mangles Vietnamese text.
Text that starts like a formula is written as text, never as a formula (CSV/formula injection).
"""

import csv
import datetime
import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from plans.models import ReportingPeriod
from solutions.models import Assignment

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "dd/mm/yyyy"  # Excel's number format for real date cells
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# File names without diacritics, so every browser and mail client keeps them intact.
KIND_SLUGS = {"q1": "q1", "h1": "6-thang", "q3": "q3", "year": "nam"}


def filename(report: dict, extension: str) -> str:
    """e.g. bao-cao-cchc-2026-q1.xlsx"""
    kind = report["period"]["kind"]
    return f"bao-cao-cchc-{report['plan']['year']}-{KIND_SLUGS.get(kind, kind)}.{extension}"


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _safe(value):
    """Text that a spreadsheet would run as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def period_label(report: dict) -> str:
    return f"{ReportingPeriod.Kind(report['period']['kind']).label} {report['plan']['year']}"


def status_line(period: ReportingPeriod, report: dict) -> str:
    if period.is_closed:
        from solutions.templatetags.portal import person

        return _("Frozen on %(date)s by %(person)s") % {
            "date": _date(timezone.localdate(period.closed_at)),
            "person": person(period.closed_by),
        }
    computed = timezone.localtime(report["computed_at"])
    return _("Open: computed at %(moment)s; the figures may still change") % {
        "moment": formats.date_format(computed, "SHORT_DATETIME_FORMAT"),
    }


def header_block(period: ReportingPeriod, report: dict, *, short: bool = False) -> list[tuple]:
    """(label, value) lines at the top of an export: plan, period, dates, status, scope.

    short: the lines repeated on every sheet, since sheets get printed and read one by one.
    """
    plan, meta = report["plan"], report["period"]
    document = plan["document_number"]
    if document and plan["document_date"]:
        document = f"{document}, {_date(plan['document_date'])}"
    lines = [
        (True, _("Plan"), plan["title"]),
        (False, _("Issuing document"), document),
        (True, _("Reporting period"), period_label(report)),
        (True, _("Data from"), meta["start_date"]),
        (True, _("Data to"), meta["end_date"]),
        (False, _("Judged as of"), report["as_of"]),
        (False, _("Report due"), meta["report_due"]),
        (True, _("Status"), status_line(period, report)),
        (False, _("Scope"), _("Your units only") if report["scoped"] else _("Whole province")),
    ]
    return [(label, value) for always, label, value in lines if value and (always or not short)]


def _class_rows(report: dict) -> tuple[list[str], list[list]]:
    totals, province = report["totals"], report["province_totals"]
    header = [_("Class"), _("Assignments"), _("Share (%)")]
    if province:
        header += [_("Whole province"), _("Share (%)")]
    rows = []
    for key, label in [
        ("on_time", _("Done on time")),
        ("late", _("Done late")),
        ("in_progress", _("In progress")),
        ("overdue", _("Overdue")),
        ("total", _("Total")),
    ]:
        row = [label, getattr(totals, key), totals.share(getattr(totals, key))]
        if province:
            row += [getattr(province, key), province.share(getattr(province, key))]
        rows.append(row)
    return header, rows


def _figure_rows(rows, first: str, with_code: bool = False) -> tuple[list[str], list[list]]:
    header = [first, _("Total"), _("Done on time"), _("Done late"), _("In progress"),
              _("Overdue"), _("Done (%)")]
    if with_code:
        header.insert(0, _("Code"))
    body = []
    for figures in rows:
        label = figures.label or _("Not under a solution")
        row = [label, figures.total, figures.on_time, figures.late, figures.in_progress,
               figures.overdue, figures.done_share]
        if with_code:
            row.insert(0, figures.code)
        body.append(row)
    return header, body


def _overdue_rows(report: dict) -> tuple[list[str], list[list]]:
    header = [_("Task code"), _("Task"), _("Unit"), _("Role"), _("Due date"),
              _("Days late at the period's end"), _("Last report"), _("Percent")]
    roles = {role.value: str(role.label) for role in Assignment.Role}  # translated once
    body = [
        [row["task_code"], row["task_title"], row["unit_name"], roles[row["role"]],
         row["due_date"], row["days_late"], row["last_report_on"], row["last_percent"]]
        for row in report["overdue"]
    ]
    return header, body


def tables(report: dict) -> list[tuple[str, str, list[str], list[list]]]:
    """(sheet name, caption, header, rows) of each breakdown, in the order of the page."""
    return [
        (pgettext("sheet", "Summary"), _("Summary"), *_class_rows(report)),
        (pgettext("sheet", "Reform areas"), _("By reform area"),
         *_figure_rows(report["by_area"], _("Reform area"))),
        (pgettext("sheet", "Solutions"), _("By solution"),
         *_figure_rows(report["by_solution"], _("Solution"))),
        (pgettext("sheet", "Units"), _("By unit, worst first"),
         *_figure_rows(report["by_unit"], _("Unit"), with_code=True)),
        (pgettext("sheet", "Overdue"), _("Overdue at the period's end"), *_overdue_rows(report)),
    ]


# --- CSV ----------------------------------------------------------------------------------------


def csv_bytes(period: ReportingPeriod, report: dict) -> bytes:
    """One file: the header block, then each table under its caption, blank lines between."""
    out = io.StringIO()
    writer = csv.writer(out)

    def cell(value):
        if isinstance(value, datetime.date):
            return _date(value)
        return "" if value is None else _safe(value)

    for label, value in header_block(period, report):
        writer.writerow([label, cell(value)])
    for _sheet, caption, header, rows in tables(report):
        writer.writerow([])
        writer.writerow([caption])
        writer.writerow(header)
        writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


# --- XLSX ---------------------------------------------------------------------------------------

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
HEAD_FILL = PatternFill("solid", fgColor="DFE3EA")
WRAP = Alignment(wrap_text=True, vertical="top")
# Column widths in characters: names and titles wide (long ones wrap), numbers narrow.
TEXT_MIN, TEXT_MAX, NUMBER_MIN, NUMBER_MAX = 20, 60, 11, 18


def _sheet_title(name: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31]


def _cell(ws: Worksheet, value, font=None, fill=None, alignment=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, not a formula
    if isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if alignment:
        cell.alignment = alignment
    return cell


def _header_block(ws: Worksheet, lines) -> int:
    """The block at the top of a sheet, then a blank row; returns the next free row."""
    for row, (label, value) in enumerate(lines, start=1):
        ws.append([_cell(ws, label, BOLD), _cell(ws, value, TITLE if row == 1 else None)])
    ws.append([])
    return len(lines) + 2


def _table(ws: Worksheet, top: int, caption: str, header: list[str], rows: list[list]) -> None:
    """The caption, the header row and the rows, from row `top` on (rows are appended: the
    workbook is written as it goes, row by row)."""
    ws.append([_cell(ws, caption, TITLE)])
    ws.append([_cell(ws, title, BOLD, HEAD_FILL, WRAP) for title in header])
    total = _("Total")
    for values in rows:
        if values and values[0] == total:
            ws.append([_cell(ws, value, BOLD) for value in values])
            continue
        # A plain number or short text goes as it is; a cell object only where it needs one.
        ws.append([
            value if isinstance(value, int | float | None) or (
                isinstance(value, str) and len(value) <= 40 and not value.startswith("="))
            else _cell(ws, value, alignment=WRAP if isinstance(value, str) and len(value) > 40
                       else None)
            for value in values
        ])


def _layout(ws: Worksheet, top: int, header: list[str], rows: list[list]) -> None:
    """What a write-only sheet must know before its first row: panes frozen under the
    header row, the filter over the table."""
    head = top + 1
    ws.freeze_panes = f"A{head + 1}"
    if rows:
        ws.auto_filter.ref = f"A{head}:{get_column_letter(len(header))}{head + len(rows)}"


def _widths(ws: Worksheet, header: list[str], rows: list[list]) -> None:
    """Text columns as wide as their longest value (within bounds), number columns narrow."""
    for col, title in enumerate(header, start=1):
        texts = [row[col - 1] for row in rows if isinstance(row[col - 1], str)]
        if texts or col == 1:
            longest = max((len(v) for v in texts), default=0)
            width = min(max(longest, len(title), TEXT_MIN), TEXT_MAX)
        else:
            width = min(max(len(title), NUMBER_MIN), NUMBER_MAX)
        ws.column_dimensions[get_column_letter(col)].width = width + 2


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes


def xlsx_bytes(period: ReportingPeriod, report: dict) -> bytes:
    """One sheet per breakdown, each under a header block naming the plan and period.

    A write-only workbook: rows go to the file as they are appended, instead of a cell object
    each kept in memory until the end (the overdue sheet has one row per overdue assignment)."""
    workbook = Workbook(write_only=True)
    full, short = header_block(period, report), header_block(period, report, short=True)
    for index, (sheet, caption, header, rows) in enumerate(tables(report)):
        ws = workbook.create_sheet(_sheet_title(sheet))
        lines = full if index == 0 else short
        top = len(lines) + 2
        _widths(ws, header, rows)
        # The header block's labels sit in column A; its values run on to the right.
        ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width, 20)
        _print_setup(ws)
        _layout(ws, top, header, rows)
        _header_block(ws, lines)
        _table(ws, top, caption, header, rows)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
