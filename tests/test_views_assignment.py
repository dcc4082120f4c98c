"""The assignment page by role: who may read it, who may report, and what a bad report does.

assignment_a belongs to unit A (staff_a, head_a), assignment_b to unit B (staff_b), both on the
same task. Readers: coordinators and leaders see every assignment; leaders may not write.
"""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, override

from solutions.models import Assignment, ProgressEntry
from solutions.services import record_progress, verify_completion
from tests.factories import ProgressEntryFactory


LOGIN = "/accounts/login/"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def url(assignment: Assignment) -> str:
    return f"/assignments/{assignment.pk}/"


def pdf(name: str = "bao-cao-quy-3.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def snapshot(assignment: Assignment) -> tuple:
    assignment.refresh_from_db()
    return (assignment.latest_percent, assignment.latest_report_at, assignment.completed_on,
            assignment.pending_entry_id)


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- GET: who may read the page -------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["as_staff_a", "as_head_a", "as_leader", "as_coordinator"])
def test_readers_get_the_page(request, client_name, assignment_a, assignment_b):
    client = request.getfixturevalue(client_name)
    response = client.get(url(assignment_a))
    assert response.status_code == 200
    assert response.context["assignment"].pk == assignment_a.pk
    html = response.content.decode()
    assert assignment_a.task.title in html
    assert assignment_a.unit.name in html


def test_staff_of_another_unit_gets_404(as_staff_b, assignment_a, assignment_b):
    assert as_staff_b.get(url(assignment_a)).status_code == 404
    # ... while their own unit's assignment on the same task is fine.
    assert as_staff_b.get(url(assignment_b)).status_code == 200


def test_unknown_assignment_is_404_even_for_leaders(as_leader, assignment_a):
    assert as_leader.get("/assignments/999999/").status_code == 404


def test_anonymous_is_sent_to_login(anonymous, assignment_a):
    response = anonymous.get(url(assignment_a))
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url(assignment_a)}"


def test_unit_members_and_coordinators_see_the_form_leaders_do_not(
    as_staff_a, as_head_a, as_coordinator, as_leader, assignment_a
):
    for client in (as_staff_a, as_head_a, as_coordinator):
        response = client.get(url(assignment_a))
        assert response.context["can_report"] is True
        assert 'name="percent"' in response.content.decode()
    response = as_leader.get(url(assignment_a))
    assert response.context["can_report"] is False
    assert 'name="percent"' not in response.content.decode()


def test_history_lists_entries_newest_first(as_staff_a, assignment_a, staff_a):
    now = timezone.now()
    older = ProgressEntryFactory(
        assignment=assignment_a, reported_by=staff_a, percent=20, note="Bước đầu",
        reported_at=now - datetime.timedelta(days=3),
    )
    newer = ProgressEntryFactory(
        assignment=assignment_a, reported_by=staff_a, percent=60, note="Đã xong dự thảo",
        reported_at=now - datetime.timedelta(days=1),
    )
    response = as_staff_a.get(url(assignment_a))
    assert [e.pk for e in response.context["entries"]] == [newer.pk, older.pk]
    html = response.content.decode()
    assert html.index("Đã xong dự thảo") < html.index("Bước đầu")


# --- POST: who may report -------------------------------------------------------------------


@pytest.mark.parametrize(
    "client_name, user_name",
    [("as_staff_a", "staff_a"), ("as_head_a", "head_a"), ("as_coordinator", "coordinator")],
)
def test_allowed_people_record_a_report(request, client_name, user_name, assignment_a):
    client = request.getfixturevalue(client_name)
    user = request.getfixturevalue(user_name)
    response = client.post(url(assignment_a), {"percent": "45", "note": "Đã rà soát 12 thủ tục"})
    assert response.status_code == 302
    assert response["Location"] == f"{url(assignment_a)}#history"
    entry = ProgressEntry.objects.get(assignment=assignment_a)
    assert (entry.percent, entry.note, entry.reported_by) == (45, "Đã rà soát 12 thủ tục", user)
    assignment_a.refresh_from_db()
    assert assignment_a.latest_percent == 45
    assert assignment_a.latest_report_at == entry.reported_at
    assert assignment_a.completed_on is None
    # The page after the redirect shows the report in the history.
    page = client.get(url(assignment_a))
    assert "Đã rà soát 12 thủ tục" in page.content.decode()


def test_staff_of_another_unit_cannot_report(as_staff_b, assignment_a, assignment_b):
    before = snapshot(assignment_a)
    response = as_staff_b.post(url(assignment_a), {"percent": "90", "note": "Không phải của tôi"})
    assert response.status_code == 404
    assert not ProgressEntry.objects.exists()
    assert snapshot(assignment_a) == before


def test_leader_is_read_only(as_leader, assignment_a):
    before = snapshot(assignment_a)
    response = as_leader.post(url(assignment_a), {"percent": "90", "note": "Chỉ đạo"})
    assert response.status_code == 403
    assert not ProgressEntry.objects.exists()
    assert snapshot(assignment_a) == before


def test_anonymous_post_is_sent_to_login_and_stores_nothing(anonymous, assignment_a):
    before = snapshot(assignment_a)
    response = anonymous.post(url(assignment_a), {"percent": "90", "note": "Ẩn danh"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")
    assert not ProgressEntry.objects.exists()
    assert snapshot(assignment_a) == before


def test_percent_100_awaits_verification_then_completes_today(
    as_staff_a, assignment_a, coordinator, today
):
    response = as_staff_a.post(url(assignment_a), {"percent": "100", "note": "Hoàn thành"})
    assert response.status_code == 302
    assignment_a.refresh_from_db()
    entry = ProgressEntry.objects.get(assignment=assignment_a)
    assert assignment_a.latest_percent == 100
    assert assignment_a.pending_entry == entry
    assert assignment_a.completed_on is None  # not done until a coordinator verifies
    shown = as_staff_a.get(url(assignment_a)).context["assignment"]
    assert (shown.timeliness, shown.is_awaiting, shown.urgency) == ("in_progress", True, 3)

    verify_completion(assignment=assignment_a, user=coordinator)
    assignment_a.refresh_from_db()
    assert assignment_a.completed_on == today
    shown = as_staff_a.get(url(assignment_a)).context["assignment"]
    assert (shown.timeliness, shown.is_awaiting) == ("on_time", False)


def test_a_later_report_below_100_withdraws_the_pending_one(as_staff_a, assignment_a):
    as_staff_a.post(url(assignment_a), {"percent": "100", "note": "Hoàn thành"})
    as_staff_a.post(url(assignment_a), {"percent": "80", "note": "Còn thiếu một phụ lục"})
    assignment_a.refresh_from_db()
    assert (assignment_a.latest_percent, assignment_a.completed_on) == (80, None)
    assert assignment_a.pending_entry_id is None
    assert ProgressEntry.objects.filter(assignment=assignment_a).count() == 2
    assert as_staff_a.get(url(assignment_a)).context["assignment"].is_awaiting is False


def test_a_verified_assignment_refuses_a_report_without_an_error_page(
    as_staff_a, assignment_a, staff_a, coordinator
):
    record_progress(assignment=assignment_a, user=staff_a, percent=100, note="Hoàn thành")
    verify_completion(assignment=assignment_a, user=coordinator)
    before = snapshot(assignment_a)

    response = as_staff_a.post(url(assignment_a), {"percent": "50", "note": "Mở lại"})

    assert response.status_code == 200
    with override("vi"):
        message = gettext("This assignment was verified as complete; it takes no more reports.")
    assert escape(message) in response.content.decode()
    assert ProgressEntry.objects.filter(assignment=assignment_a).count() == 1
    assert snapshot(assignment_a) == before


def test_a_report_through_the_page_is_in_the_history_with_its_author(
    as_staff_a, assignment_a, staff_a
):
    as_staff_a.post(url(assignment_a), {"percent": "30", "note": "Đang làm"})
    newest = assignment_a.history.first()
    assert (newest.history_type, newest.latest_percent, newest.history_user) == (
        "~", 30, staff_a
    )


# --- POST: bad input re-renders the form with a message, stores nothing ---------------------


def big_pdf() -> SimpleUploadedFile:
    # A real PDF header, so the only thing wrong is the size (11 MB against a 10 MB limit).
    return pdf("du-thao.pdf", PDF + b"0" * (11 * 1024 * 1024))


def exe_as_pdf() -> SimpleUploadedFile:
    return pdf("bao-cao.pdf", b"MZ\x90\x00" + b"\x00" * 4096)


BAD_INPUT = [
    pytest.param({"percent": "101", "note": "Vượt"}, None, "percent", id="percent-101"),
    pytest.param({"percent": "-1", "note": "Âm"}, None, "percent", id="percent-negative"),
    pytest.param({"percent": "abc", "note": "Chữ"}, None, "percent", id="percent-text"),
    pytest.param({"percent": "", "note": "Trống"}, None, "percent", id="percent-empty"),
    pytest.param({"percent": "50.5", "note": "Lẻ"}, None, "percent", id="percent-decimal"),
    pytest.param({"percent": "50", "note": ""}, None, "note", id="note-empty"),
    pytest.param({"percent": "50", "note": "   \n\t "}, None, "note", id="note-blank"),
    pytest.param({"percent": "50", "note": "Tệp lớn"}, big_pdf, "evidence", id="file-11mb"),
    pytest.param({"percent": "50", "note": "Tệp lạ"}, exe_as_pdf, "evidence", id="exe-as-pdf"),
]


@pytest.mark.parametrize("data, make_file, field", BAD_INPUT)
def test_bad_input_re_renders_the_form_and_stores_nothing(
    as_staff_a, assignment_a, data, make_file, field
):
    before = snapshot(assignment_a)
    payload = dict(data)
    if make_file:
        payload["evidence"] = make_file()
    response = as_staff_a.post(url(assignment_a), payload)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.is_bound and list(form.errors) == [field]
    html = response.content.decode()
    for message in form.errors[field]:
        assert message.strip()
        assert escape(message) in html  # shown to the person, next to the field
    assert f'id="id_{field}_errors"' in html
    # The values typed are kept in the re-rendered form.
    if data["note"].strip():
        assert escape(data["note"]) in html

    assert not ProgressEntry.objects.exists()
    assert snapshot(assignment_a) == before
    assert stored_files() == []


def test_size_and_type_errors_say_what_is_wrong(as_staff_a, assignment_a):
    response = as_staff_a.post(
        url(assignment_a), {"percent": "50", "note": "Tệp lớn", "evidence": big_pdf()}
    )
    assert response.context["form"].errors.as_data()["evidence"][0].code == "too_big"
    response = as_staff_a.post(
        url(assignment_a), {"percent": "50", "note": "Tệp lạ", "evidence": exe_as_pdf()}
    )
    assert response.context["form"].errors.as_data()["evidence"][0].code == "bad_type"


# --- Evidence files ---------------------------------------------------------------------------


@pytest.fixture
def entry_with_pdf(as_staff_a, assignment_a):
    response = as_staff_a.post(
        url(assignment_a),
        {"percent": "30", "note": "Kèm báo cáo", "evidence": pdf("bao-cao-quy-3.pdf")},
    )
    assert response.status_code == 302
    return ProgressEntry.objects.get(assignment=assignment_a)


def download(client, entry_pk):
    response = client.get(f"/evidence/{entry_pk}/")
    # Consuming a streamed response closes the file (the test client wraps it for that).
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


def test_a_valid_pdf_is_stored_under_a_random_name(entry_with_pdf):
    entry = entry_with_pdf
    assert entry.evidence_name == "bao-cao-quy-3.pdf"
    assert "bao-cao" not in entry.evidence.name  # the uploader's name is never the path
    assert entry.evidence.name.endswith(".pdf")
    with entry.evidence.open("rb") as handle:
        assert handle.read() == PDF


def test_the_history_links_to_the_evidence(as_staff_a, entry_with_pdf, assignment_a):
    html = as_staff_a.get(url(assignment_a)).content.decode()
    assert f'href="/evidence/{entry_with_pdf.pk}/"' in html
    assert "bao-cao-quy-3.pdf" in html


@pytest.mark.parametrize(
    "client_name", ["as_staff_a", "as_head_a", "as_leader", "as_coordinator"]
)
def test_evidence_is_served_as_an_attachment(request, client_name, entry_with_pdf):
    client = request.getfixturevalue(client_name)
    response, body = download(client, entry_with_pdf.pk)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-quy-3.pdf"'
    assert body == PDF


def test_evidence_with_a_vietnamese_name_keeps_it(as_staff_a, assignment_a):
    as_staff_a.post(
        url(assignment_a),
        {"percent": "30", "note": "Kèm", "evidence": pdf("Báo cáo quý 3.pdf")},
    )
    entry = ProgressEntry.objects.get(assignment=assignment_a)
    response, body = download(as_staff_a, entry.pk)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''B%C3%A1o%20c%C3%A1o%20qu%C3%BD%203.pdf"
    )
    assert body == PDF


def test_evidence_is_404_for_another_units_staff(as_staff_b, entry_with_pdf, assignment_b):
    response, body = download(as_staff_b, entry_with_pdf.pk)
    assert response.status_code == 404
    assert body == b""


def test_evidence_is_404_for_an_entry_without_a_file(as_staff_a, as_leader, assignment_a):
    as_staff_a.post(url(assignment_a), {"percent": "30", "note": "Không kèm tệp"})
    entry = ProgressEntry.objects.get(assignment=assignment_a)
    assert entry.evidence.name == ""
    assert download(as_staff_a, entry.pk)[0].status_code == 404
    assert download(as_leader, entry.pk)[0].status_code == 404


def test_evidence_of_an_unknown_entry_is_404(as_leader, db):
    assert download(as_leader, 999999)[0].status_code == 404


def test_evidence_download_needs_a_login(anonymous, entry_with_pdf):
    response = anonymous.get(f"/evidence/{entry_with_pdf.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# --- Evidence names follow the content (issue 10's probe) ------------------------------------


@pytest.mark.parametrize("suffix", [".bat", ".hta", ".docm", ".js", ".html", ".svg", ".exe"])
def test_a_pdf_named_as_something_else_is_refused(as_staff_a, assignment_a, suffix):
    response = as_staff_a.post(
        url(assignment_a),
        {"percent": "30", "note": "Kèm", "evidence": pdf(f"bao-cao{suffix}")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["evidence"]
    assert errors[0].code == "name_mismatch"
    message = response.context["form"].errors["evidence"][0]
    assert suffix in message and ".pdf" in message
    assert not ProgressEntry.objects.exists()


def test_a_pdf_without_an_extension_is_named_pdf(as_staff_a, assignment_a):
    as_staff_a.post(url(assignment_a), {"percent": "30", "note": "Kèm", "evidence": pdf("scan")})
    entry = ProgressEntry.objects.get(assignment=assignment_a)
    assert entry.evidence_name == "scan.pdf"
    assert entry.evidence.name.endswith(".pdf")
    response, body = download(as_staff_a, entry.pk)
    assert response["Content-Disposition"] == 'attachment; filename="scan.pdf"'


def test_a_file_stored_under_a_dangerous_name_downloads_as_what_it_is(
    as_staff_a, assignment_a, staff_a
):
    """A report kept before names were checked: served under the content's name and type."""
    from django.core.files.base import ContentFile

    entry = ProgressEntry(assignment=assignment_a, percent=30, note="cũ", reported_by=staff_a,
                          evidence_name="bao-cao.hta")
    entry.evidence.save("old.hta", ContentFile(PDF), save=False)
    entry.save()
    response, body = download(as_staff_a, entry.pk)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert body == PDF
