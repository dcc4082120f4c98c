"""A period report as a spreadsheet (XLSX) or as CSV, from reports.for_display() data.

Made to be sent as they are. The XLSX has one sheet per table: the table's header row is row 1,
the only frozen row and the row repeated on every printed page, with an STT (số thứ tự) column
first; the title block (agency, report title, period, as-of date) heads each printed page and
the first sheet, "Thông tin" / "About", which also names the plan, status and scope. Keeping the
title block out of the table's rows is what lets exactly one header row stay frozen on screen.
Each sheet prints on A4, fitted to the page's width, landscape when the table is wide.

CSV is one table per file, in two forms: plain UTF-8 (comma, decimal point, no byte order mark)
for programs, and for Excel set to Vietnamese (semicolons, decimal comma, UTF-8 with a byte
order mark: without it Excel reads the local ANSI code page and mangles Vietnamese text).
Text that starts like a formula is written as text, never as a formula (CSV/formula injection).
"""

import csv
import datetime
import io

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from insight import spreadsheet
from plans.models import ReportingPeriod
from solutions.models import Assignment

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# File names without diacritics, so every browser and mail client keeps them intact.
KIND_SLUGS = {"q1": "q1", "h1": "6-thang", "q3": "q3", "year": "nam"}
# The tables, each a CSV of its own: URL slug (also in the file name) and position in tables().
TABLE_SLUGS = ["tong-hop", "linh-vuc", "giai-phap", "don-vi", "qua-han"]
WIDE_COLUMNS = 6  # a table wider than this prints landscape


def filename(report: dict, extension: str, table: str = "") -> str:
    """e.g. bao-cao-cchc-2026-q1.xlsx, bao-cao-cchc-2026-q1-don-vi.csv"""
    kind = report["period"]["kind"]
    suffix = f"-{table}" if table else ""
    return (f"bao-cao-cchc-{report['plan']['year']}-{KIND_SLUGS.get(kind, kind)}{suffix}"
            f".{extension}")


def report_title(report: dict) -> str:
    return _("Report on the administrative reform plan: %(period)s") % {
        "period": period_label(report)}


def title_block(period: ReportingPeriod, report: dict) -> list[str]:
    """Agency, report title, period, as-of date: the lines that head every printed page."""
    meta = report["period"]
    return [
        settings.AGENCY_NAME,
        report_title(report),
        _("Data from %(start)s to %(end)s") % {"start": _date(meta["start_date"]),
                                               "end": _date(meta["end_date"])},
        _("Judged as of %(date)s") % {"date": _date(report["as_of"])},
    ]


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


def _numbered(header: list[str], rows: list[list]) -> tuple[list[str], list[list]]:
    """An STT (số thứ tự) column first, as every Vietnamese report table has."""
    return [_("No."), *header], [[n, *row] for n, row in enumerate(rows, start=1)]


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
        ("extended_late", _("Extended when already overdue")),
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
        (pgettext("sheet", "Summary"), _("Summary"), *_numbered(*_class_rows(report))),
        (pgettext("sheet", "Reform areas"), _("By reform area"),
         *_numbered(*_figure_rows(report["by_area"], _("Reform area")))),
        (pgettext("sheet", "Solutions"), _("By solution"),
         *_numbered(*_figure_rows(report["by_solution"], _("Solution")))),
        (pgettext("sheet", "Units"), _("By unit, worst first"),
         *_numbered(*_figure_rows(report["by_unit"], _("Unit"), with_code=True))),
        (pgettext("sheet", "Overdue"), _("Overdue at the period's end"),
         *_numbered(*_overdue_rows(report))),
    ]


def csv_tables() -> list[tuple[str, str]]:
    """(slug, caption) of each table, for the page's CSV links."""
    return list(zip(TABLE_SLUGS, [_("Summary"), _("By reform area"), _("By solution"),
                                  _("By unit, worst first"), _("Overdue at the period's end")]))


def table(report: dict, slug: str):
    """One of tables() by its URL slug, or None."""
    if slug not in TABLE_SLUGS:
        return None
    return tables(report)[TABLE_SLUGS.index(slug)]


# --- CSV ----------------------------------------------------------------------------------------


def csv_bytes(report: dict, slug: str, *, excel_vn: bool = False) -> bytes:
    """One table as CSV: its header row, then its rows.

    excel_vn: for Excel set to Vietnamese, whose list separator is ";" and decimal separator
    ",": with commas it opens every line in one column. Plain: comma, decimal point, no BOM.
    """
    _sheet, _caption, header, rows = table(report, slug)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if excel_vn else ",", lineterminator="\r\n")

    def cell(value):
        if isinstance(value, datetime.date):
            return _date(value)
        if isinstance(value, float) and excel_vn:
            return f"{value:g}".replace(".", ",")
        return "" if value is None else _safe(value)

    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    text = out.getvalue()
    return text.encode("utf-8-sig") if excel_vn else text.encode("utf-8")


# --- XLSX ---------------------------------------------------------------------------------------

# Column widths in characters: names and titles wide (long ones wrap), numbers narrow.
TEXT_MIN, TEXT_MAX, NUMBER_MIN, NUMBER_MAX = 20, 60, 11, 18


def _sheet_title(name: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31]


def _widths(header: list[str], rows: list[list]) -> dict[int, float]:
    """Text columns as wide as their longest value (within bounds), number columns narrow."""
    widths = {}
    for col, title in enumerate(header, start=1):
        texts = [row[col - 1] for row in rows if isinstance(row[col - 1], str)]
        if texts or col == 1:
            longest = max((len(v) for v in texts), default=0)
            width = min(max(longest, len(title), TEXT_MIN), TEXT_MAX)
        else:
            width = min(max(len(title), NUMBER_MIN), NUMBER_MAX)
        widths[col] = width + 2
    return widths


def _print_options(title: list[str], columns: int) -> dict:
    """A4 fitted to the width (as many pages down as it takes), landscape when wide; the title
    block heads every printed page: agency left, title and period centred, the as-of date right;
    page numbers at the foot; a top margin with room for the title block's three lines."""
    agency, report, data, as_of = title
    return {"landscape": columns > WIDE_COLUMNS, "header": (agency, f"{report}\n{data}", as_of),
            "footer_right": _("Page &P of &N"), "top_margin": 1.0}


def xlsx_bytes(period: ReportingPeriod, report: dict) -> bytes:
    """The "About" sheet (the title block and the report's particulars), then one sheet per
    table, its header row frozen alone, filtered and repeated on every printed page.

    Written by insight.spreadsheet, a row at a time as text (the overdue sheet has one row per
    overdue assignment). Text is never a formula there: every string is a string cell."""
    book = spreadsheet.Book()
    title = title_block(period, report)
    about = book.sheet(_sheet_title(pgettext("sheet", "About")), widths={1: 24, 2: 70},
                       **_print_options(title, 2))
    for row, line in enumerate(title, start=1):
        about.append([line], spreadsheet.TITLE if row <= 2 else spreadsheet.BOLD)
    about.append([])
    for label, value in header_block(period, report):
        about.append([label, value], [spreadsheet.BOLD, None])
    total = _("Total")
    for sheet, _caption, header, rows in tables(report):
        widths = _widths(header, rows) | {1: 6}  # STT
        ws = book.sheet(_sheet_title(sheet), widths=widths, freeze_header=True,
                        filter_header=True, repeat_header=True,
                        **_print_options(title, len(header)))
        ws.append(header, spreadsheet.HEAD)
        for values in rows:
            ws.append(values, spreadsheet.BOLD if values and total in values[:2] else None)
    return book.save()
