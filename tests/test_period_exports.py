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


def read_csv(response, excel_vn: bool = True) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";" if excel_vn else ","))


def table_csv(client, period, table: str, *, excel_vn: bool = False):
    name = "insight:period-table-csv-excel" if excel_vn else "insight:period-table-csv"
    return client.get(reverse(name, args=[period.pk, table]), HTTP_ACCEPT_LANGUAGE="en")


def body(rows: list[list[str]]) -> list[list[str]]:
    """The rows under the header, without the STT column (checked on its own)."""
    assert rows[0][0] == "No."
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, len(rows))]
    return [row[1:] for row in rows[1:]]


def load_xlsx(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(response.content))


def find_row(ws, first_value) -> tuple:
    for row in ws.iter_rows(values_only=True):
        if row and row[0] == first_value:
            return row
    raise AssertionError(f"no row starting with {first_value!r} in {ws.title}")


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_for_excel_is_utf8_with_bom_and_semicolons(as_leader, world, plan, english):
    response = get(as_leader, "insight:period-report-csv", world["q1"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="bao-cao-cchc-{plan.year}-q1-tong-hop-excel.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    first = response.content.decode("utf-8-sig").splitlines()[0]
    assert first == "No.;Class;Assignments;Share (%)"
    areas = table_csv(as_leader, world["q1"], "linh-vuc", excel_vn=True)
    text = areas.content.decode("utf-8-sig")
    assert "Cải cách thể chế" in text
    # NFC, as typed: no decomposed diacritics on the way out.
    assert "Cải cách thể chế".encode() in areas.content
    # Decimal comma: 1 of 4 done on time and 1 late is 50 %, 1 of 3 would be 33,3.
    row = next(r for r in body(read_csv(areas)) if r[0] == "1. Cải cách thể chế")
    assert row[1:7] == ["4", "1", "1", "1", "1", "50"]


def test_plain_csv_is_utf8_with_commas_and_no_bom(as_leader, world, english):
    response = table_csv(as_leader, world["q1"], "don-vi")
    assert response.status_code == 200
    assert not response.content.startswith(b"\xef\xbb\xbf")
    rows = read_csv(response, excel_vn=False)
    assert rows[0][:3] == ["No.", "Code", "Unit"]
    assert [row[1] for row in body(rows)] == ["Thành phố Vinh", "Sở Tư pháp"]


def test_each_table_is_a_file_of_its_own(as_leader, world, english):
    summary = {row[0]: int(row[1]) for row in body(read_csv(
        get(as_leader, "insight:period-report-csv", world["q1"])))}
    assert summary == {"Done on time": 2, "Done late": 1, "In progress": 2, "Overdue": 4,
                       "Extended when already overdue": 0, "Total": 9}
    overdue = body(read_csv(table_csv(as_leader, world["q1"], "qua-han"), excel_vn=False))
    assert len(overdue) == 4
    first = overdue[0]
    assert first[2] == "Sở Tư pháp" and first[3] == "Lead"
    assert first[4] == (world["end"] - datetime.timedelta(days=15)).strftime("%d/%m/%Y")
    assert first[5] == "15" and first[7] == "30"
    # No table stacked under another, no header block: one header row, then rows.
    assert all(len(row) == 8 for row in overdue)
    assert table_csv(as_leader, world["q1"], "no-such-table").status_code == 404


def test_csv_keeps_formula_looking_text_as_text(as_leader, world, unit_a, english):
    task = TaskFactory(plan=world["q1"].plan, area=world["areas"][0], solution=None,
                       due_date=world["end"] - datetime.timedelta(days=1),
                       title='=HYPERLINK("http://evil.example","x")')
    AssignmentFactory(task=task, unit=unit_a)
    for excel_vn in (False, True):
        rows = read_csv(table_csv(as_leader, world["q1"], "qua-han", excel_vn=excel_vn),
                        excel_vn=excel_vn)
        titles = [row[1] for row in body(rows)]
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
    assert wb.sheetnames == ["About", *SHEETS]

    about = wb["About"]
    # The title block: agency, report title, period, as-of date.
    assert about["A1"].value == "Ủy ban nhân dân tỉnh Nghệ An"
    assert about["A2"].value == (
        f"Report on the administrative reform plan: First quarter {plan.year}")
    assert about["A3"].value.startswith("Data from " + world["start"].strftime("%d/%m/%Y"))
    assert about["A4"].value == "Judged as of " + world["end"].strftime("%d/%m/%Y")
    assert find_row(about, "Plan")[1] == plan.title
    data_to = next(row for row in about.iter_rows() if row[0].value == "Data to")[1]
    assert data_to.value.date() == world["end"]
    assert data_to.number_format == "dd/mm/yyyy"

    summary = wb["Summary"]
    assert [c.value for c in summary[1]] == ["No.", "Class", "Assignments", "Share (%)"]
    assert find_row(summary, 4)[1:3] == ("Overdue", 4)
    assert find_row(summary, 6)[1:3] == ("Total", 9)

    areas = wb["Reform areas"]
    row = next(r for r in areas.iter_rows(values_only=True) if r[1] == "1. Cải cách thể chế")
    assert row[0] == 1 and row[2:8] == (4, 1, 1, 1, 1, 50)
    assert all(cell.font.bold for cell in areas[1] if cell.value)

    units = wb["Units"]
    assert next(r for r in units.iter_rows(values_only=True)
                if r[1] == world["overdue"].unit.code)[2] == "Thành phố Vinh"
    assert units.column_dimensions["C"].width >= 20  # names get room

    overdue = wb["Overdue"]
    row = next(r for r in overdue.iter_rows() if r[1].value == world["done_after_end"].task.code)
    assert row[3].value == "Sở Tư pháp"
    assert row[5].value.date() == world["end"] - datetime.timedelta(days=15)
    assert row[5].number_format == "dd/mm/yyyy"
    assert row[6].value == 15
    assert row[7].value.date() == world["end"] - datetime.timedelta(days=20)
    assert row[8].value == 30
    for ws in wb.worksheets[1:]:
        # Exactly one frozen row, the header; repeated on every printed page.
        assert ws.freeze_panes == "A2"
        assert ws["A1"].value == "No."
        assert ws.print_title_rows == "$1:$1"
        # Print set-up: A4, fitted to the width, the title block at the head of each page.
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.oddHeader.left.text == "Ủy ban nhân dân tỉnh Nghệ An"
        assert f"First quarter {plan.year}" in ws.oddHeader.center.text
        assert ws.oddHeader.right.text.startswith("Judged as of")
    # Landscape where wide.
    assert wb["Overdue"].page_setup.orientation == "landscape"
    assert wb["Summary"].page_setup.orientation == "portrait"


def test_xlsx_keeps_formula_looking_text_as_text(as_leader, world, unit_a, english):
    task = TaskFactory(plan=world["q1"].plan, area=world["areas"][0], solution=None,
                       due_date=world["end"] - datetime.timedelta(days=1),
                       title="=1+1 rà soát")
    AssignmentFactory(task=task, unit=unit_a)
    wb = load_xlsx(get(as_leader, "insight:period-report-xlsx", world["q1"]))
    cell = next(r[2] for r in wb["Overdue"].iter_rows() if r[1].value == task.code)
    assert cell.data_type == "s" and cell.value == "=1+1 rà soát"


def test_staff_export_their_units_only(as_staff_a, world, unit_a, english):
    wb = load_xlsx(get(as_staff_a, "insight:period-report-xlsx", world["q1"]))
    units = [row[2] for row in wb["Units"].iter_rows(values_only=True) if row[1] == unit_a.code]
    assert units == ["Sở Tư pháp"]
    assert find_row(wb["About"], "Scope")[1] == "Your units only"
    text = table_csv(as_staff_a, world["q1"], "don-vi").content.decode("utf-8")
    assert "Thành phố Vinh" not in text and "Sở Tư pháp" in text


def test_exports_of_a_closed_period_keep_the_frozen_figures(
    as_coordinator, coordinator, world, english
):
    close_period(period=world["q1"], user=coordinator)
    extend_deadline(assignment=world["overdue"], user=coordinator,
                    new_due_date=world["end"] + datetime.timedelta(days=30),
                    reason="Gia hạn theo đề nghị của đơn vị")
    wb = load_xlsx(get(as_coordinator, "insight:period-report-xlsx", world["q1"]))
    assert find_row(wb["Summary"], 4)[2] == EXPECTED_TOTALS["overdue"]
    assert find_row(wb["Summary"], 6)[2] == EXPECTED_TOTALS["total"]
    status = find_row(wb["About"], "Status")[1]
    assert status.startswith("Frozen on")
    rows = read_csv(get(as_coordinator, "insight:period-report-csv", world["q1"]))
    summary = {row[0]: int(row[1]) for row in body(rows)}
    assert summary["Overdue"] == 4 and summary["Total"] == 9
    # The open period with the same dates has moved on.
    rows = read_csv(get(as_coordinator, "insight:period-report-csv", world["h1"]))
    summary = {row[0]: int(row[1]) for row in body(rows)}
    assert summary["Overdue"] == 3 and summary["Total"] == 8


def test_frozen_exports_for_staff_show_the_province_beside_their_units(
    as_staff_a, coordinator, world, english
):
    close_period(period=world["q1"], user=coordinator)
    wb = load_xlsx(get(as_staff_a, "insight:period-report-xlsx", world["q1"]))
    header = next(r for r in wb["Summary"].iter_rows(values_only=True) if r[1] == "Class")
    assert header[1:5] == ("Class", "Assignments", "Share (%)", "Whole province")
    total = find_row(wb["Summary"], 6)
    assert total[1] == "Total" and total[2] == 4 and total[4] == 9


@pytest.mark.parametrize("kind, expected", [
    ("q1", "bao-cao-cchc-2026-q1.xlsx"), ("h1", "bao-cao-cchc-2026-6-thang.xlsx"),
    ("q3", "bao-cao-cchc-2026-q3.xlsx"), ("year", "bao-cao-cchc-2026-nam.xlsx"),
])
def test_file_names(kind, expected):
    assert filename({"plan": {"year": 2026}, "period": {"kind": kind}}, "xlsx") == expected
