"""The narrative: drafted from the data, edited by coordinators (history kept), read by
leaders; bad input gets a clear message or safe escaping, never a 500; the PDF."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from django.urls import reverse

from reports.models import PeriodNarrative
from tests import official_world

SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"


@pytest.fixture
def world(unit_a, unit_b, coordinator):
    return official_world.build(unit_a=unit_a, unit_b=unit_b, coordinator=coordinator)


def _form(**changes) -> dict:
    data = {"agency": "UBND TỈNH NGHỆ AN", "parent_agency": "", "number": "125",
            "number_suffix": "BC-UBND", "place": "Nghệ An", "issued_on": "18/12/2025",
            "direction": "Chỉ đạo quyết liệt.", "assessment": "Còn hạn chế.",
            "next_tasks": "Hoàn thành nhiệm vụ quá hạn.", "proposals": "Đề nghị Bộ Nội vụ.",
            "recipients": "- Bộ Nội vụ;\n- Lưu: VT.", "signer_title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
            "signer_name": "Nguyễn Văn Thử"}
    return data | changes


def _url(world, name="reports:narrative-edit"):
    return reverse(name, args=[world.period.pk])


def test_the_first_draft_is_written_from_the_data(as_coordinator, world):
    response = as_coordinator.get(_url(world))
    assert response.status_code == 200
    form = response.context["form"]
    assert "Sở Tư pháp" in form.initial["assessment"]  # unit A is late on 2.1
    assert "2.1" in form.initial["assessment"]
    assert form.initial["agency"] == "UBND TỈNH NGHỆ AN"  # from the plan's report setting
    assert not PeriodNarrative.objects.exists()  # a draft until saved


def test_coordinator_edits_and_history_is_kept(as_coordinator, coordinator, world):
    assert as_coordinator.post(_url(world), _form()).status_code == 302
    assert as_coordinator.post(_url(world), _form(direction="Lần hai.")).status_code == 302
    narrative = PeriodNarrative.objects.get(period=world.period)
    assert narrative.direction == "Lần hai." and narrative.updated_by == coordinator
    assert narrative.history.count() == 2
    assert narrative.history.first().history_user == coordinator
    document = Document(io.BytesIO(as_coordinator.get(_url(world, "reports:report-docx")).content))
    texts = [p.text for p in document.paragraphs]
    assert "Lần hai." in texts
    header = document.tables[0].rows[0].cells
    assert "Số: 125/BC-UBND" in header[0].text
    assert "Nghệ An, ngày 18 tháng 12 năm 2025" in header[1].text
    assert "Nguyễn Văn Thử" in document.tables[-4].rows[0].cells[1].text
    page = as_coordinator.get(_url(world)).content.decode()
    # The history names who changed it.
    assert (coordinator.get_full_name() or coordinator.username) in page


def test_leader_reads_but_cannot_edit(as_leader, world):
    response = as_leader.get(_url(world))
    assert response.status_code == 200 and response.context["form"] is None
    assert as_leader.post(_url(world), _form()).status_code == 403
    assert not PeriodNarrative.objects.exists()
    assert as_leader.get(_url(world, "reports:report-docx")).status_code == 200


def test_a_megabyte_of_text_gets_a_clear_message(as_coordinator, world):
    response = as_coordinator.post(_url(world), _form(assessment="x" * 1_000_000))
    assert response.status_code == 200
    assert response.context["form"].errors["assessment"]
    assert not PeriodNarrative.objects.exists()


def test_control_characters_get_a_clear_message(as_coordinator, world):
    response = as_coordinator.post(_url(world), _form(direction="bad \x0b vertical tab"))
    assert response.status_code == 200
    assert response.context["form"].has_error("direction", code="control_character")


def test_nul_bytes_are_refused_with_400(as_coordinator, world):
    response = as_coordinator.post(_url(world), _form(direction="a\x00b"))
    assert response.status_code == 400
    assert not PeriodNarrative.objects.exists()


def test_script_tags_are_escaped_on_the_page_and_kept_as_text_in_the_docx(as_coordinator, as_leader,
                                                                         world):
    script = "<script>alert('x')</script>"
    assert as_coordinator.post(_url(world), _form(direction=script)).status_code == 302
    page = as_leader.get(_url(world)).content.decode()
    assert script not in page and "&lt;script&gt;" in page
    document = Document(io.BytesIO(as_leader.get(_url(world, "reports:report-docx")).content))
    assert script in [p.text for p in document.paragraphs]


def test_pdf_through_libreoffice_looks_like_a_report(as_coordinator, world):
    """The PDF is A4, page 1 carries the header and no number, page 2 starts with "2"; the
    pages are rendered to PNG (var/screenshots/report-page-N.png) to be looked at."""
    assert shutil.which("soffice"), "LibreOffice is required (.ci/run installs it)"
    as_coordinator.post(_url(world), _form())
    response = as_coordinator.get(_url(world, "reports:report-pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert reverse("reports:report-pdf", args=[world.period.pk]).endswith(".pdf")
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    assert "A4" in info
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages >= 3  # the report, then the two annexes on pages of their own
    texts = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(path), "-"],
                            capture_output=True, text=True, check=True).stdout
             for n in (1, 2)]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts[0]
    assert texts[0].split()[0] != "1"  # no number on page 1
    assert texts[1].split()[0] == "2"  # centred at the top of page 2
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(SCREENSHOTS / "report-page")],
                   check=True)
    assert (SCREENSHOTS / "report-page-1.png").stat().st_size > 5000


def test_pdf_without_libreoffice_says_so(as_coordinator, world, settings):
    settings.SOFFICE_BINARY = "no-such-soffice-binary"
    response = as_coordinator.get(_url(world, "reports:report-pdf"))
    assert response.status_code == 503
    assert "LibreOffice" in response.content.decode()
    assert "report.docx" in response.content.decode()


def test_the_report_page_takes_a_constant_number_of_queries(as_leader, world,
                                                            django_assert_num_queries):
    as_leader.get(_url(world))
    # 1 session, 2 the user, 3 their groups, 4 the period and plan, 5 the snapshot,
    # 6 the indicator actuals, 7 the indicators, 8 the narrative (none yet: a draft),
    # 9 the plan's report setting, 10 the bell's unread count.
    with django_assert_num_queries(10):
        assert as_leader.get(_url(world)).status_code == 200
