"""Importing a plan's task list from a file: the sample, every row error, the file checks, the
all-or-nothing import, the kept upload, and who may do it.

The plan is a fresh plan for 2027 with the demo's areas and solutions; the units are the demo's
(demo.loader.unit_specs), with their dates, so that only those active on 1/1/2027 match.
"""

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from demo import loader as demo
from solutions import importer
from plans.models import Plan, ReformArea
from solutions.models import Assignment, Solution, Task
from tests.factories import PlanFactory, TaskFactory, UserFactory
from units.models import Unit

SAMPLES = Path(__file__).resolve().parents[1] / "static" / "samples"
HEADER = "Mã,Lĩnh vực,Giải pháp,Nhiệm vụ,Sản phẩm,Chủ trì,Phối hợp,Thời hạn\n"


@pytest.fixture
def demo_units(db):
    Unit.objects.bulk_create([
        Unit(code=s.code, name=s.name, short_name=s.short_name, kind=s.kind,
             active_from=s.active_from, active_to=s.active_to)
        for s in demo.unit_specs()
    ])
    return {u.code: u for u in Unit.objects.all()}


@pytest.fixture
def fresh_plan(demo_units):
    plan = PlanFactory(year=2027, status=Plan.Status.DRAFT,
                       title="Kế hoạch cải cách hành chính năm 2027")
    ReformArea.objects.bulk_create([ReformArea(plan=plan, number=n, name=name)
                                    for n, name in demo.AREAS])
    Solution.objects.bulk_create([Solution(plan=plan, number=n, title=title, text=text)
                                  for n, title, text in demo.SOLUTIONS])
    return plan


def csv_file(text: str, name: str = "ke-hoach.csv", *, bom: bool = False,
             encoding: str = "utf-8") -> SimpleUploadedFile:
    data = text.encode(encoding)
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + data,
                              content_type="text/csv")


def xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_of(file: SimpleUploadedFile) -> importer.Table:
    file.seek(0)
    return importer.read_table(file, file.name)


def upload(client: Client, plan, file):
    # English: Django's own messages and sizes ("6.0 MB", not "6,0 MB") in the source language.
    return client.post(reverse("solutions:plan-import", args=[plan.pk]), {"file": file},
                       HTTP_ACCEPT_LANGUAGE="en")


def upload_ok(client: Client, plan, file) -> str:
    """Upload, follow to the preview; the preview's URL."""
    response = upload(client, plan, file)
    assert response.status_code == 302, response.context["form"].errors
    return response["Location"]


def confirm_url(preview_url: str) -> str:
    return f"{preview_url}confirm/"


def stored_uploads(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "imports"
    return sorted(root.iterdir()) if root.exists() else []


def unit_codes(task, role) -> list[str]:
    return sorted(a.unit.code for a in task.assignments.all() if a.role == role)


def parsed_values(rows: list[importer.ParsedRow]) -> list[tuple]:
    return [
        (r.code, r.area.number, r.solution and r.solution.number, r.title, r.expected_output,
         [u.code for u in r.lead], [u.code for u in r.support], r.due_date)
        for r in rows
    ]


def errors_by_row(rows: list[importer.ParsedRow]) -> dict[int, list[str]]:
    return {row.number: row.errors for row in rows if row.errors}


# --- The sample file ------------------------------------------------------------------------------


def test_the_sample_workbook_imports_cleanly(as_coordinator, coordinator, fresh_plan, settings):
    with open(SAMPLES / "ke-hoach-mau.xlsx", "rb") as f:
        preview = upload_ok(as_coordinator, fresh_plan,
                            SimpleUploadedFile("ke-hoach-mau.xlsx", f.read()))
    with translation.override("en"):
        page = as_coordinator.get(preview, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert errors_by_row(rows) == {}
    assert len(rows) == 14 and rows[0].number == 5  # a title block sits above the header
    html = page.content.decode()
    assert "Import 14 tasks" in html and "import-row--error" not in html

    response = as_coordinator.post(confirm_url(preview))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('solutions:task-list')}?plan={fresh_plan.pk}"
    tasks = {t.code: t for t in Task.objects.filter(plan=fresh_plan)}
    assert len(tasks) == 14
    assert tasks["0.1"].due_date == datetime.date(2027, 1, 31)
    assert tasks["1.1"].due_date is None  # thường xuyên
    assert tasks["1.2"].solution is None and tasks["1.2"].area.number == 1
    assert tasks["0.3"].solution.number == 10

    def leads(code):
        return unit_codes(tasks[code], Assignment.Role.LEAD)

    def supports(code):
        return unit_codes(tasks[code], Assignment.Role.SUPPORT)

    assert leads("2.2") == ["16681", "16690", "16702", "17920"]
    assert leads("2.3") == ["16681", "16732", "17110"]  # by name, one a line
    assert supports("3.1") == ["SNNMT", "STC", "SXD"]
    assert leads("6.1") == ["SKHCN", "VPUBND"] and supports("6.3") == []
    assignment = tasks["0.1"].assignments.get(role=Assignment.Role.LEAD)
    assert assignment.due_date == assignment.original_due_date == datetime.date(2027, 1, 31)
    assert assignment.history.get().history_user == coordinator
    assert stored_uploads(settings) == []  # the upload is consumed


def test_the_sample_csv_reads_the_same_as_the_workbook(fresh_plan):
    with open(SAMPLES / "ke-hoach-mau.csv", "rb") as f:
        from_csv = importer.validate(fresh_plan, table_of(SimpleUploadedFile("m.csv", f.read())))
    with open(SAMPLES / "ke-hoach-mau.xlsx", "rb") as f:
        from_xlsx = importer.validate(fresh_plan,
                                      table_of(SimpleUploadedFile("m.xlsx", f.read())))
    assert errors_by_row(from_csv) == {}
    assert parsed_values(from_csv) == parsed_values(from_xlsx)


# --- Row errors -----------------------------------------------------------------------------------


BAD_ROWS = (
    HEADER
    + "1.1,1,2,Nhiệm vụ đúng,Báo cáo,Sở Tư pháp,,31/03/2027\n"           # row 2: fine
    + "1.2,9,2,Lĩnh vực không có,Báo cáo,STP,,31/03/2027\n"               # 3: area
    + "1.3,1,11,Giải pháp không có,Báo cáo,STP,,31/03/2027\n"             # 4: solution
    + "1.4,1,2,Đơn vị lạ,Báo cáo,Sở Không Tồn Tại,,31/03/2027\n"          # 5: unknown unit
    + "1.5,1,2,Ngày sai,Báo cáo,STP,,31/02/2027\n"                        # 6: bad date
    + "1.1,1,2,Trùng mã trong tệp,Báo cáo,STP,,31/03/2027\n"              # 7: dup in file
    + "9.9,1,2,Trùng mã trong kế hoạch,Báo cáo,STP,,31/03/2027\n"         # 8: dup in plan
    + "1.8,1,2,,Báo cáo,STP,,31/03/2027\n"                                # 9: no title
    + "1.9,1,2,Không có sản phẩm,,STP,,31/03/2027\n"                      # 10: no output
    + "1.10,1,2,Không có chủ trì,Báo cáo,,STP,31/03/2027\n"               # 11: no lead
    + ",1,2,Không có mã,Báo cáo,STP,,31/03/2027\n"                        # 12: no code
    + "1.12,,2,Không có lĩnh vực,Báo cáo,STP,,31/03/2027\n"               # 13: no area
    + "1.13,1,2,Huyện đã giải thể,Báo cáo,Thành phố Vinh,,31/03/2027\n"   # 14: inactive unit
    + "1.14,1,2,Chủ trì và phối hợp,Báo cáo,STP,Sở Tư pháp,sớm\n"         # 15: both; date
)
EXPECTED_ERRORS = {
    3: ["This plan has no reform area number 9."],
    4: ["This plan has no solution number 11."],
    5: ["Unknown unit “Sở Không Tồn Tại”."],
    6: ["“31/02/2027” is not a deadline: write a date as dd/mm/yyyy, or “thường xuyên” for an "
        "ongoing task."],
    7: ["Code 1.1 is already used on row 2 of this file."],
    8: ["Task 9.9 already exists in this plan."],
    9: ["The task's title is missing."],
    10: ["The expected output is missing."],
    11: ["The lead unit is missing."],
    12: ["The code is missing."],
    13: ["The area number is missing."],
    14: ["Unknown unit “Thành phố Vinh”."],
    15: ["Tư pháp is both a lead and a supporting unit.",
         "“sớm” is not a deadline: write a date as dd/mm/yyyy, or “thường xuyên” for an "
         "ongoing task."],
}


@pytest.fixture
def existing_task(fresh_plan):
    return TaskFactory(plan=fresh_plan, code="9.9",
                       area=fresh_plan.areas.get(number=1), solution=None)


def test_every_row_error_is_reported_with_its_row_number(fresh_plan, existing_task):
    with translation.override("en"):
        rows = importer.validate(fresh_plan, table_of(csv_file(BAD_ROWS)))
    assert errors_by_row(rows) == EXPECTED_ERRORS
    assert rows[0].number == 2 and rows[0].ok


def test_the_preview_shows_the_errors_and_nothing_is_imported(as_coordinator, fresh_plan,
                                                              existing_task, settings):
    preview = upload_ok(as_coordinator, fresh_plan, csv_file(BAD_ROWS))
    with translation.override("en"):
        page = as_coordinator.get(preview, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200 and page.context["can_import"] is False
    assert "13 of 14 rows have errors." in html
    assert html.count('class="import-row--error"') == 13
    assert "Import 14 tasks" not in html and confirm_url(preview) not in html
    assert "This plan has no reform area number 9." in html

    # Posting the confirmation anyway imports nothing: everything is checked again.
    response = as_coordinator.post(confirm_url(preview))
    assert response.status_code == 302 and response["Location"] == preview
    assert list(Task.objects.filter(plan=fresh_plan).values_list("code", flat=True)) == ["9.9"]
    assert not Assignment.objects.exists()
    assert len(stored_uploads(settings)) == 1  # kept: the preview still explains why


def test_one_bad_row_stops_the_whole_import(fresh_plan, coordinator):
    table = table_of(csv_file(HEADER + "1.1,1,2,Đúng,Báo cáo,STP,,31/03/2027\n"
                              + "1.2,1,2,Sai,Báo cáo,STP,,32/03/2027\n"))
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_table(plan=fresh_plan, table=table, user=coordinator)
    assert errors_by_row(rejected.value.rows).keys() == {3}
    assert not Task.objects.filter(plan=fresh_plan).exists()


def test_a_code_taken_between_preview_and_import_stops_it(as_coordinator, fresh_plan, settings):
    preview = upload_ok(as_coordinator, fresh_plan,
                        csv_file(HEADER + "1.1,1,2,Một,Báo cáo,STP,,31/03/2027\n"
                                 + "1.2,1,2,Hai,Báo cáo,STP,,31/03/2027\n"))
    assert as_coordinator.get(preview).context["can_import"]
    TaskFactory(plan=fresh_plan, code="1.2", area=fresh_plan.areas.get(number=1))
    response = as_coordinator.post(confirm_url(preview))
    assert response.status_code == 302 and response["Location"] == preview
    assert set(Task.objects.filter(plan=fresh_plan).values_list("code", flat=True)) == {"1.2"}
    with translation.override("en"):
        page = as_coordinator.get(preview, HTTP_ACCEPT_LANGUAGE="en")
    assert "Task 1.2 already exists in this plan." in page.content.decode()


# --- Formats --------------------------------------------------------------------------------------


def test_csv_with_a_bom_and_semicolons(fresh_plan, coordinator):
    text = (
        "Mã;Lĩnh vực;Giải pháp;Nhiệm vụ;Sản phẩm;Chủ trì;Phối hợp;Thời hạn\n"
        '2.1;2;4;"Công bố TTHC; công khai";Quyết định công bố;"Văn phòng UBND tỉnh\n'
        'Sở Tư pháp";SNV;2027-04-30\n'
    )
    table = table_of(csv_file(text, bom=True))
    tasks = importer.import_table(plan=fresh_plan, table=table, user=coordinator)
    [task] = tasks
    assert (task.code, task.title, task.due_date) == ("2.1", "Công bố TTHC; công khai",
                                                      datetime.date(2027, 4, 30))
    assert sorted(task.assignments.values_list("unit__code", "role")) == [
        ("SNV", "support"), ("STP", "lead"), ("VPUBND", "lead")]


def test_english_headers_and_a_comma_csv_without_bom(fresh_plan):
    text = ("code,area number,solution,title,expected output,lead units,supporting units,"
            "deadline\n6.1,6,6,Dịch vụ công trực tuyến,Báo cáo,VPUBND,,15/09/2027\n")
    [row] = importer.validate(fresh_plan, table_of(csv_file(text)))
    assert row.ok and row.due_date == datetime.date(2027, 9, 15)


def test_xlsx_with_real_date_cells(fresh_plan):
    content = xlsx_bytes([
        ["Mã", "Lĩnh vực", "Giải pháp", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Phối hợp",
         "Thời hạn"],
        ["1.1", 1, 2, "Một", "Báo cáo", "STP", None, datetime.datetime(2027, 5, 31)],
        ["1.2", 1.0, None, "Hai", "Báo cáo", "STP", None, datetime.date(2027, 6, 1)],
        ["1.3", "1", "2", "Ba", "Báo cáo", "STP", None, "15/07/2027"],
        [None] * 8,  # blank rows are skipped
        ["1.4", 1, 2, "Bốn", "Báo cáo", "STP", None, 46000],  # a number is not a date
    ])
    rows = importer.validate(fresh_plan, table_of(SimpleUploadedFile("k.xlsx", content)))
    assert [(r.number, r.due_date) for r in rows[:3]] == [
        (2, datetime.date(2027, 5, 31)), (3, datetime.date(2027, 6, 1)),
        (4, datetime.date(2027, 7, 15))]
    assert [r.ok for r in rows] == [True, True, True, False] and rows[3].number == 6
    assert rows[1].area.number == 1 and rows[1].solution is None


@pytest.mark.parametrize("text", ["thường xuyên", "Thường xuyên", "thuong xuyen",
                                  "THUONG XUYEN", "", "  "])
def test_ongoing_deadlines_have_no_due_date(fresh_plan, coordinator, text):
    table = table_of(csv_file(HEADER + f"0.9,0,,Tuyên truyền,Chuyên mục,SNV,,{text}\n"))
    [task] = importer.import_table(plan=fresh_plan, table=table, user=coordinator)
    assert task.due_date is None
    assert task.assignments.get().due_date is None


@pytest.mark.parametrize("text, expected", [
    ("31/12/2027", datetime.date(2027, 12, 31)),
    ("1/3/2027", datetime.date(2027, 3, 1)),
    ("2027-03-01", datetime.date(2027, 3, 1)),
    ("Tháng 6/2027", datetime.date(2027, 6, 30)),
    ("tháng 12/2027", datetime.date(2027, 12, 31)),
    ("Quý II/2027", datetime.date(2027, 6, 30)),
    ("quy 4/2027", datetime.date(2027, 12, 31)),
])
def test_deadline_forms(text, expected):
    assert importer.parse_deadline(text) == expected


@pytest.mark.parametrize("text", ["31/02/2027", "sớm", "Tháng 13/2027", "Quý V/2027", "2027",
                                  "1/3/27", "01/03/1927"])
def test_bad_deadlines(text):
    with pytest.raises(ValueError):
        importer.parse_deadline(text)


def test_units_match_by_code_name_or_short_name_without_diacritics(fresh_plan, demo_units):
    text = HEADER + (
        '1.1,1,,Một,Báo cáo,"so tu phap; VAN PHONG UBND TINH; snv",'
        '"khoa hoc va cong nghe\nP. Thanh Vinh",thuong xuyen\n'
    )
    [row] = importer.validate(fresh_plan, table_of(csv_file(text)))
    assert row.ok, row.errors
    assert [u.code for u in row.lead] == ["STP", "VPUBND", "SNV"]
    assert [u.code for u in row.support] == ["SKHCN", "16681"]


def test_units_of_another_day_do_not_match(demo_units):
    plan_2024 = PlanFactory(year=2024)
    ReformArea.objects.create(plan=plan_2024, number=1, name="Cải cách thể chế")
    text = HEADER + "1.1,1,,Một,Báo cáo,Thành phố Vinh; Phường Thành Vinh,,31/03/2024\n"
    with translation.override("en"):
        [row] = importer.validate(plan_2024, table_of(csv_file(text)))
    # Vinh was a city in 2024; its wards came on 1/7/2025.
    assert [u.code for u in row.lead] == ["412"]
    assert row.errors == ["Unknown unit “Phường Thành Vinh”."]


# --- File checks ----------------------------------------------------------------------------------


def form_errors(response) -> list[str]:
    assert response.status_code == 200
    return response.context["form"].errors["file"]


def test_a_file_over_5_mb_is_refused(as_coordinator, fresh_plan, settings):
    big = csv_file(HEADER + ("x" * 1023 + "\n") * (6 * 1024))
    with translation.override("en"):
        response = upload(as_coordinator, fresh_plan, big)
        errors = [e.replace("\xa0", " ") for e in form_errors(response)]
    assert errors == ["The file is 6.0 MB; the limit is 5.0 MB."]
    assert stored_uploads(settings) == []


def test_a_program_renamed_xlsx_is_refused_with_a_clear_message(as_coordinator, fresh_plan,
                                                                 settings):
    exe = SimpleUploadedFile("ke-hoach.xlsx", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 2000)
    with translation.override("en"):
        errors = form_errors(upload(as_coordinator, fresh_plan, exe))
    assert errors == ["This file is not an Excel workbook, whatever its name says. Upload an "
                      ".xlsx file saved by Excel or LibreOffice, or a CSV file."]
    assert stored_uploads(settings) == []


@pytest.mark.parametrize("name, content, message", [
    ("ke-hoach.pdf", b"%PDF-1.7 ...", "Upload an Excel workbook (.xlsx) or a CSV file (.csv)."),
    ("ke-hoach.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
     "Upload an Excel workbook (.xlsx) or a CSV file (.csv)."),
    ("ke-hoach.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
     "This is an old Excel file (.xls)."),
    ("ke-hoach.xlsx", b"PK\x03\x04 broken zip" + b"\x00" * 100, "The workbook cannot be read"),
    ("ke-hoach.csv", "Mã,Tên\n".encode("cp1252"), "The CSV file is not in UTF-8."),
    ("ke-hoach.csv", b"MZ\x90\x00\x03\x00", "This file is not a CSV text file"),
    ("ke-hoach.csv", "Tên,Ghi chú\nA,B\n".encode(), "No header row was found."),
    ("ke-hoach.csv", "Mã,Nhiệm vụ,Sản phẩm\n1,A,B\n".encode(),
     "The header row has no column for: Area (Lĩnh vực), Lead units (Chủ trì), "
     "Deadline (Thời hạn)."),
    ("ke-hoach.csv", HEADER.encode(), "The file has a header row but no tasks under it."),
    ("ke-hoach.csv", b"", "The file is empty."),
])
def test_unreadable_files_are_refused_with_a_message(as_coordinator, fresh_plan, name, content,
                                                     message):
    with translation.override("en"):
        errors = form_errors(upload(as_coordinator, fresh_plan,
                                    SimpleUploadedFile(name, content)))
    with translation.override("vi"):  # the page speaks the request's language
        vietnamese = translation.gettext(message)
    assert len(errors) == 1 and errors[0].startswith((message, vietnamese)), errors


def test_a_workbook_that_is_another_zip_is_refused(as_coordinator, fresh_plan):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with translation.override("en"):
        errors = form_errors(upload(as_coordinator, fresh_plan,
                                    SimpleUploadedFile("k.xlsx", out.getvalue())))
    assert errors[0].startswith("The workbook cannot be read")


def test_too_many_rows_are_refused(fresh_plan, settings, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    text = HEADER + "".join(f"1.{n},1,,T{n},B,STP,,\n" for n in range(4))
    with translation.override("en"), pytest.raises(importer.ImportFileError,
                                                   match="more than 3 tasks"):
        table_of(csv_file(text))


# --- The kept upload ------------------------------------------------------------------------------


def test_a_double_submit_imports_once(as_coordinator, fresh_plan, settings):
    preview = upload_ok(as_coordinator, fresh_plan,
                        csv_file(HEADER + "1.1,1,2,Một,Báo cáo,STP,,31/03/2027\n"))
    assert as_coordinator.post(confirm_url(preview)).status_code == 302
    with translation.override("en"):
        again = as_coordinator.post(confirm_url(preview), HTTP_ACCEPT_LANGUAGE="en",
                                    follow=True)
    assert again.redirect_chain[0] == (reverse("solutions:plan-import", args=[fresh_plan.pk]), 302)
    assert "This upload was already imported or has expired." in again.content.decode()
    assert Task.objects.filter(plan=fresh_plan).count() == 1
    assert Assignment.objects.count() == 1
    assert stored_uploads(settings) == []


def test_a_claimed_upload_cannot_be_claimed_again(tmp_path):
    store = importer.UploadStore(tmp_path)
    token = store.save(io.BytesIO(b"a,b\n"), ".csv")
    first = store.claim(token, ".csv")
    assert first is not None and store.claim(token, ".csv") is None
    store.release(first)
    assert store.claim(token, ".csv") is not None


@pytest.mark.parametrize("token", ["../../etc/passwd", "x", "a" * 43 + "/..", ""])
def test_the_store_refuses_tokens_that_are_not_its_own(tmp_path, token):
    store = importer.UploadStore(tmp_path)
    assert store.open(token, ".csv") is None and store.claim(token, ".csv") is None
    assert store.open("a" * 43, ".exe") is None


def test_another_person_cannot_use_an_upload(as_coordinator, fresh_plan, settings):
    preview = upload_ok(as_coordinator, fresh_plan,
                        csv_file(HEADER + "1.1,1,2,Một,Báo cáo,STP,,31/03/2027\n"))
    other = Client()
    other.force_login(UserFactory(username="coordinator2", groups=["coordinators"]))
    assert other.get(preview).status_code == 404
    assert other.post(confirm_url(preview)).status_code == 404
    # Nor in another plan's address.
    elsewhere = preview.replace(f"/plans/{fresh_plan.pk}/",
                                f"/plans/{PlanFactory(year=2028).pk}/")
    assert as_coordinator.get(elsewhere).status_code == 404
    assert not Task.objects.exists()


def test_the_rows_are_never_sent_back_through_the_form(as_coordinator, fresh_plan):
    preview = upload_ok(as_coordinator, fresh_plan,
                        csv_file(HEADER + "1.1,1,2,Một,Báo cáo,STP,,31/03/2027\n"))
    html = as_coordinator.get(preview).content.decode()
    form = html[html.index('action="' + confirm_url(preview)):]
    form = form[:form.index("</form>")]
    assert form.count("<input") == 1 and "csrfmiddlewaretoken" in form
    # Extra fields posted with the confirmation are ignored.
    as_coordinator.post(confirm_url(preview), {"code": "6.6", "title": "Giả mạo"})
    assert list(Task.objects.values_list("code", "title")) == [("1.1", "Một")]


# --- Who may import -------------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["as_leader", "as_staff_a", "as_head_a"])
def test_others_get_403(request, client_name, fresh_plan, settings):
    client = request.getfixturevalue(client_name)
    url = reverse("solutions:plan-import", args=[fresh_plan.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"file": csv_file(HEADER + "1.1,1,2,A,B,STP,,\n")})
    assert response.status_code == 403
    token = "a" * 43
    assert client.get(reverse("solutions:plan-import-preview",
                              args=[fresh_plan.pk, token])).status_code == 403
    assert client.post(reverse("solutions:plan-import-confirm",
                               args=[fresh_plan.pk, token])).status_code == 403
    assert stored_uploads(settings) == [] and not Task.objects.exists()


def test_a_leaders_confirm_of_a_coordinators_upload_is_403(as_coordinator, as_leader,
                                                           fresh_plan):
    preview = upload_ok(as_coordinator, fresh_plan,
                        csv_file(HEADER + "1.1,1,2,Một,Báo cáo,STP,,31/03/2027\n"))
    assert as_leader.post(confirm_url(preview)).status_code == 403
    assert not Task.objects.exists()


def test_anonymous_is_sent_to_the_login_page(anonymous, fresh_plan):
    response = anonymous.get(reverse("solutions:plan-import", args=[fresh_plan.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_upload_page_links_the_samples(as_coordinator, fresh_plan):
    html = as_coordinator.get(reverse("solutions:plan-import", args=[fresh_plan.pk])).content.decode()
    assert "samples/ke-hoach-mau.xlsx" in html and "samples/ke-hoach-mau.csv" in html
    assert 'enctype="multipart/form-data"' in html


def test_an_administrator_imports_from_the_plan_admin_page(as_admin, fresh_plan):
    change = as_admin.get(reverse("admin:plans_plan_change", args=[fresh_plan.pk]))
    url = reverse("solutions:plan-import", args=[fresh_plan.pk])
    assert change.status_code == 200 and url in change.content.decode()
    preview = upload_ok(as_admin, fresh_plan,
                        csv_file(HEADER + "1.1,1,2,Một,Báo cáo,STP,,31/03/2027\n"))
    assert as_admin.post(confirm_url(preview)).status_code == 302
    assert Task.objects.filter(plan=fresh_plan).count() == 1


def test_staff_need_the_permissions_to_add_tasks(fresh_plan):
    from django.contrib.auth.models import Permission

    clerk = UserFactory(username="clerk", is_staff=True)
    client = Client()
    client.force_login(clerk)
    url = reverse("solutions:plan-import", args=[fresh_plan.pk])
    assert client.get(url).status_code == 403
    clerk.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="solutions", codename__in=["add_task", "add_assignment"]))
    client.force_login(UserFactory._meta.model.objects.get(pk=clerk.pk))
    assert client.get(url).status_code == 200


def test_a_sheet_whose_declared_dimension_is_too_small_is_read_whole(fresh_plan):
    """Some writers leave <dimension ref="A1:H2"/> on a sheet of many rows; openpyxl's
    read-only mode would stop there and import the first task only, silently."""
    import re
    import zipfile

    rows = [["Mã", "Lĩnh vực", "Giải pháp", "Nhiệm vụ", "Sản phẩm", "Chủ trì", "Phối hợp",
             "Thời hạn"]]
    rows += [[f"1.{n}", 1, 2, f"Việc {n}", "Báo cáo", "STP", None, "31/05/2027"]
             for n in range(1, 11)]
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:H2"',
                                      data)
                assert count == 1
            target.writestr(info, data)
    table = table_of(SimpleUploadedFile("k.xlsx", out.getvalue()))
    assert [values[importer.CODE] for _, values in table.rows] == [
        f"1.{n}" for n in range(1, 11)]
