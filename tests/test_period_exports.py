"""The period report as XLSX and CSV: file names, Vietnamese text intact, sheets, real dates,
formula-looking text kept as text, staff scoping, and frozen figures after closing.

Labels are checked in English (the source strings); the data (area and unit names) is Vietnamese.
"""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils.translation import override

from insight.exports import filename
from insight.services import close_period
from solutions.services import extend_deadline
from tests.factories import AssignmentFactory, TaskFactory
from tests.test_periods import EXPECTED_TOTALS, build_world, report_pending

SHEETS = ["Summary", "Reform areas", "Solutions", "Units", "Overdue"]


@pytest.fixture
def reporter(unit_b):
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(username="reporter_b")
    MembershipFactory(user=user, unit=unit_b)
    return user


@pytest.fixture
def world(plan, unit_a, unit_b, today, reporter, monkeypatch):
    w = build_world(plan=plan, unit_a=unit_a, unit_b=unit_b, today=today, reporter=reporter)
    report_pending(w, reporter, monkeypatch)
    return w


@pytest.fixture
def english():
    # Source strings: the checks below read labels as written in the code.
    with override("en"):
        yield


def get(client, name, period, **headers):
    return client.get(reverse(name, args=[period.pk]), HTTP_ACCEPT_LANGUAGE="en", **headers)


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def section(rows: list[list[str]], caption: str) -> list[list[str]]:
    """The rows of one table of the CSV: after its caption and header, up to the blank line."""
    start = rows.index([caption]) + 2
    end = next((i for i in range(start, len(rows)) if not rows[i]), len(rows))
    return rows[start:end]


def load_xlsx(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(response.content))


def find_row(ws, first_value) -> tuple:
    for row in ws.iter_rows(values_only=True):
        if row and row[0] == first_value:
            return row
    raise AssertionError(f"no row starting with {first_value!r} in {ws.title}")


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_and_keeps_vietnamese(as_leader, world, plan, english):
    response = get(as_leader, "insight:period-report-csv", world["q1"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao-cchc-{plan.year}-q1.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert "Cải cách thể chế" in text and "Thành phố Vinh" in text and "Sở Tư pháp" in text
    # NFC, as typed: no decomposed diacritics on the way out.
    assert "Cải cách thể chế".encode() in response.content


def test_csv_has_the_header_block_and_every_table(as_leader, world, english):
    rows = read_csv(get(as_leader, "insight:period-report-csv", world["q1"]))
    header = {row[0]: row[1] for row in rows[: rows.index([])]}
    assert header["Plan"] == world["q1"].plan.title
    assert header["Reporting period"] == f"First quarter {world['q1'].plan.year}"
    assert header["Data from"] == world["start"].strftime("%d/%m/%Y")
    assert header["Data to"] == world["end"].strftime("%d/%m/%Y")
    assert header["Status"].startswith("Open")

    summary = {row[0]: int(row[1]) for row in section(rows, "Summary")}
    assert summary == {"Done on time": 2, "Done late": 1, "In progress": 2, "Overdue": 4,
                       "Total": 9}
    areas = {row[0]: row[1:6] for row in section(rows, "By reform area")}
    assert areas["1. Cải cách thể chế"] == ["4", "1", "1", "1", "1"]
    units = section(rows, "By unit, worst first")
    assert [row[1] for row in units] == ["Thành phố Vinh", "Sở Tư pháp"]
    overdue = section(rows, "Overdue at the period's end")
    assert len(overdue) == 4
    first = overdue[0]
    assert first[2] == "Sở Tư pháp" and first[3] == "Lead"
    assert first[4] == (world["end"] - datetime.timedelta(days=15)).strftime("%d/%m/%Y")
    assert first[5] == "15" and first[7] == "30"


def test_csv_keeps_formula_looking_text_as_text(as_leader, world, unit_a, english):
    task = TaskFactory(plan=world["q1"].plan, area=world["areas"][0], solution=None,
                       due_date=world["end"] - datetime.timedelta(days=1),
                       title='=HYPERLINK("http://evil.example","x")')
    AssignmentFactory(task=task, unit=unit_a)
    rows = read_csv(get(as_leader, "insight:period-report-csv", world["q1"]))
    titles = [row[1] for row in section(rows, "Overdue at the period's end")]
    assert "'" + task.title in titles and task.title not in titles


# --- XLSX ---------------------------------------------------------------------------------------


def test_xlsx_has_a_sheet_per_breakdown_with_known_values(as_leader, world, plan, english):
    response = get(as_leader, "insight:period-report-xlsx", world["q1"])
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao-cchc-{plan.year}-q1.xlsx"'
    )
    wb = load_xlsx(response)
    assert wb.sheetnames == SHEETS

    summary = wb["Summary"]
    assert summary["A1"].value == "Plan" and summary["B1"].value == plan.title
    assert summary["A1"].font.bold
    assert find_row(summary, "Overdue")[1] == 4
    assert find_row(summary, "Total")[1] == 9
    # Dates are real dates shown dd/mm/yyyy, not text.
    data_to = next(row for row in summary.iter_rows() if row[0].value == "Data to")[1]
    assert data_to.value.date() == world["end"]
    assert data_to.number_format == "dd/mm/yyyy"

    areas = wb["Reform areas"]
    assert find_row(areas, "1. Cải cách thể chế")[1:7] == (4, 1, 1, 1, 1, 50)
    header = next(row for row in areas.iter_rows() if row[0].value == "Reform area")
    assert all(cell.font.bold for cell in header if cell.value)

    units = wb["Units"]
    assert find_row(units, world["overdue"].unit.code)[1] == "Thành phố Vinh"
    assert units.column_dimensions["B"].width >= 20  # names get room

    overdue = wb["Overdue"]
    row = next(r for r in overdue.iter_rows() if r[0].value == world["done_after_end"].task.code)
    assert row[2].value == "Sở Tư pháp"
    assert row[4].value.date() == world["end"] - datetime.timedelta(days=15)
    assert row[4].number_format == "dd/mm/yyyy"
    assert row[5].value == 15
    assert row[6].value.date() == world["end"] - datetime.timedelta(days=20)
    assert row[7].value == 30
    # Every sheet names its plan and period at the top: sheets get printed one by one.
    for ws in wb:
        assert ws["B1"].value == plan.title
        assert ws["A2"].value in ("Issuing document", "Reporting period")


def test_xlsx_keeps_formula_looking_text_as_text(as_leader, world, unit_a, english):
    task = TaskFactory(plan=world["q1"].plan, area=world["areas"][0], solution=None,
                       due_date=world["end"] - datetime.timedelta(days=1),
                       title="=1+1 rà soát")
    AssignmentFactory(task=task, unit=unit_a)
    wb = load_xlsx(get(as_leader, "insight:period-report-xlsx", world["q1"]))
    cell = next(r[1] for r in wb["Overdue"].iter_rows() if r[0].value == task.code)
    assert cell.data_type == "s" and cell.value == "=1+1 rà soát"


def test_staff_export_their_units_only(as_staff_a, world, unit_a, english):
    wb = load_xlsx(get(as_staff_a, "insight:period-report-xlsx", world["q1"]))
    units = [row[1] for row in wb["Units"].iter_rows(values_only=True) if row[0] == unit_a.code]
    assert units == ["Sở Tư pháp"]
    text = get(as_staff_a, "insight:period-report-csv", world["q1"]).content.decode("utf-8-sig")
    assert "Thành phố Vinh" not in text
    assert "Your units only" in text


def test_exports_of_a_closed_period_keep_the_frozen_figures(
    as_coordinator, coordinator, world, english
):
    close_period(period=world["q1"], user=coordinator)
    extend_deadline(assignment=world["overdue"], user=coordinator,
                    new_due_date=world["end"] + datetime.timedelta(days=30),
                    reason="Gia hạn theo đề nghị của đơn vị")
    wb = load_xlsx(get(as_coordinator, "insight:period-report-xlsx", world["q1"]))
    assert find_row(wb["Summary"], "Overdue")[1] == EXPECTED_TOTALS["overdue"]
    assert find_row(wb["Summary"], "Total")[1] == EXPECTED_TOTALS["total"]
    status = find_row(wb["Summary"], "Status")[1]
    assert status.startswith("Frozen on")
    rows = read_csv(get(as_coordinator, "insight:period-report-csv", world["q1"]))
    summary = {row[0]: int(row[1]) for row in section(rows, "Summary")}
    assert summary["Overdue"] == 4 and summary["Total"] == 9
    # The open period with the same dates has moved on.
    rows = read_csv(get(as_coordinator, "insight:period-report-csv", world["h1"]))
    summary = {row[0]: int(row[1]) for row in section(rows, "Summary")}
    assert summary["Overdue"] == 3 and summary["Total"] == 8


def test_frozen_exports_for_staff_show_the_province_beside_their_units(
    as_staff_a, coordinator, world, english
):
    close_period(period=world["q1"], user=coordinator)
    wb = load_xlsx(get(as_staff_a, "insight:period-report-xlsx", world["q1"]))
    header = next(r for r in wb["Summary"].iter_rows(values_only=True) if r[0] == "Class")
    assert header[:4] == ("Class", "Assignments", "Share (%)", "Whole province")
    total = find_row(wb["Summary"], "Total")
    assert total[1] == 4 and total[3] == 9


@pytest.mark.parametrize("kind, expected", [
    ("q1", "bao-cao-cchc-2026-q1.xlsx"), ("h1", "bao-cao-cchc-2026-6-thang.xlsx"),
    ("q3", "bao-cao-cchc-2026-q3.xlsx"), ("year", "bao-cao-cchc-2026-nam.xlsx"),
])
def test_file_names(kind, expected):
    assert filename({"plan": {"year": 2026}, "period": {"kind": kind}}, "xlsx") == expected
