"""The official report's DOCX: Decree 30/2020's format, read back with python-docx, and every
figure equal to the period's frozen snapshot (the period report page's figures)."""

import io
import re

import pytest
from docx import Document
from docx.shared import Mm
from django.urls import reverse

from tests import official_world


@pytest.fixture
def world(unit_a, unit_b, coordinator):
    return official_world.build(unit_a=unit_a, unit_b=unit_b, coordinator=coordinator)


def _docx(client, period) -> Document:
    response = client.get(reverse("reports:report-docx", args=[period.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml")
    return Document(io.BytesIO(response.content))


def _texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_period_page_links_to_the_docx(as_coordinator, world):
    response = as_coordinator.get(reverse("insight:period-report", args=[world.period.pk]))
    url = reverse("reports:report-docx", args=[world.period.pk])
    assert url.endswith(".docx")
    assert f'href="{url}"' in response.content.decode()


def test_page_setup_is_decree_30(as_coordinator, world):
    document = _docx(as_coordinator, world.period)
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert section.page_width < section.page_height  # portrait
    # Word stores twips (1/1440 inch): compare to a tenth of a millimetre.
    assert 20 <= round(section.top_margin.mm, 1) <= 25
    assert 20 <= round(section.bottom_margin.mm, 1) <= 25
    assert 30 <= round(section.left_margin.mm, 1) <= 35
    assert 15 <= round(section.right_margin.mm, 1) <= 20
    # The page number: centred at the top from page 2, none on page 1.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml
    assert section.header.paragraphs[0].alignment == 1  # centre


def test_fonts_are_times_new_roman_13_to_14(as_coordinator, world):
    document = _docx(as_coordinator, world.period)
    assert document.styles["Normal"].font.name == "Times New Roman"
    body_sizes = set()
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.text.strip():
                assert run.font.name == "Times New Roman", run.text
                body_sizes.add(run.font.size.pt)
    assert body_sizes and all(10 <= size <= 14 for size in body_sizes)
    # The body text itself is 14 pt (Decree 30: 13-14).
    section_one = next(p for p in document.paragraphs if p.text.startswith("Trong năm"))
    assert {run.font.size.pt for run in section_one.runs} == {14}
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        assert run.font.name == "Times New Roman"


def test_header_title_and_sections(as_coordinator, world):
    document = _docx(as_coordinator, world.period)
    header = _table_rows(document.tables[0])[0]
    assert "UBND TỈNH NGHỆ AN" in header[0]
    assert "Số: .../BC-UBND" in header[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1]
    motto = [r for p in document.tables[0].rows[0].cells[1].paragraphs for r in p.runs
             if r.text == "Độc lập - Tự do - Hạnh phúc"]
    assert motto and motto[0].font.underline
    assert "Nghệ An, ngày ... tháng ... năm ..." in header[1]
    texts = _texts(document)
    assert "BÁO CÁO" in texts
    year = world.plan.year
    assert f"Kết quả thực hiện công tác cải cách hành chính năm {year}" in texts
    for heading in ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
                    "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
                    "III. ĐÁNH GIÁ CHUNG", "IV. NHIỆM VỤ TRỌNG TÂM KỲ TỚI",
                    "V. ĐỀ XUẤT, KIẾN NGHỊ", "1. Cải cách thể chế",
                    "2. Cải cách thủ tục hành chính", "Phụ lục I", "Phụ lục II",
                    "Phụ lục III"):
        assert heading in texts, heading
    assert texts.index("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH") < texts.index("V. ĐỀ XUẤT, KIẾN NGHỊ")
    signature = _table_rows(document.tables[-4])[0]
    assert signature[0].startswith("Nơi nhận:")
    assert "(Đã ký)" in signature[1]
    # The draft names the late units and what they are late on.
    assessment = "\n".join(texts)
    assert "Sở Tư pháp" in assessment and "2.1" in assessment


def test_period_title_by_kind(as_coordinator, world):
    document = _docx(as_coordinator, world.open_period)
    texts = _texts(document)
    assert (f"Kết quả thực hiện công tác cải cách hành chính quý I năm {world.plan.year}"
            in texts)
    # An open period's report is a draft, and says so.
    assert any(t.startswith("DỰ THẢO") for t in texts)
    assert not any(t.startswith("DỰ THẢO") for t in _texts(_docx(as_coordinator, world.period)))


def _number(text: str) -> float:
    return float(text.replace(",", ".").rstrip("%").strip())


def test_every_figure_equals_the_snapshot(as_coordinator, world):
    data = world.period.snapshot.data
    document = _docx(as_coordinator, world.period)
    tables = document.tables
    # Table 1: by reform area, then the total row.
    area_rows = _table_rows(tables[1])[1:]
    assert len(area_rows) == len(data["by_area"]) + 1
    for row, expected in zip(area_rows, [*data["by_area"], data["totals"]], strict=True):
        assert [int(c) for c in row[2:7]] == [expected[k] for k in
                                              ("total", "on_time", "late", "in_progress",
                                               "overdue")]
        assert _number(row[7]) == pytest.approx(expected["done_share"])
    assert data["totals"] == {**data["totals"], "total": 5, "on_time": 1, "late": 1,
                              "in_progress": 1, "overdue": 2}
    # Table 2: the indicators against their targets.
    assert _table_rows(tables[2])[1][1:5] == ["Tỷ lệ hồ sơ đúng hạn", "≥ 95 %", "97,5 %", "Đạt"]
    # Annex I: by unit, worst first, as the snapshot orders them.
    unit_rows = _table_rows(tables[-3])[1:]
    assert [r[1] for r in unit_rows] == [u["label"] for u in data["by_unit"]]
    for row, expected in zip(unit_rows, data["by_unit"], strict=True):
        assert [int(c) for c in row[2:7]] == [expected[k] for k in
                                              ("total", "on_time", "late", "in_progress",
                                               "overdue")]
    # Annex II: the overdue list with the units.
    overdue_rows = _table_rows(tables[-2])[1:]
    assert [(r[1].split()[0], r[2], int(r[5])) for r in overdue_rows] == [
        (o["task_code"], o["unit_name"], o["days_late"]) for o in data["overdue"]]
    # The per-area sentence carries the same figures.
    body = "\n".join(_texts(document))
    assert re.search(r"Tổng số 2 lượt nhiệm vụ đến hạn trong kỳ: hoàn thành đúng hạn 1; "
                     r"hoàn thành quá hạn 1; đang thực hiện trong hạn 0; quá hạn 0", body)


def test_the_docx_figures_equal_the_period_page(as_coordinator, world):
    """One source: the period report page shows the same totals as the DOCX."""
    page = as_coordinator.get(reverse("insight:period-report", args=[world.period.pk]))
    totals = page.context["report"]["totals"]
    row = _table_rows(_docx(as_coordinator, world.period).tables[1])[-1]
    assert [int(c) for c in row[2:7]] == [totals.total, totals.on_time, totals.late,
                                          totals.in_progress, totals.overdue]


def test_annexes_xlsx_equal_the_snapshot(as_leader, world):
    from openpyxl import load_workbook

    response = as_leader.get(reverse("reports:report-xlsx", args=[world.period.pk]))
    assert response.status_code == 200
    assert reverse("reports:report-xlsx", args=[world.period.pk]).endswith(".xlsx")
    book = load_workbook(io.BytesIO(response.content))
    by_area = [[c.value for c in row] for row in book["Bảng 1 - Lĩnh vực"].iter_rows(min_row=5)]
    data = world.period.snapshot.data
    assert by_area[-1][2:7] == [data["totals"][k] for k in
                                ("total", "on_time", "late", "in_progress", "overdue")]
    units = [r[1] for r in book["Phụ lục I - Đơn vị"].iter_rows(min_row=5, values_only=True)]
    assert units == [u["label"] for u in data["by_unit"]]


def test_staff_cannot_download_the_official_report(as_staff_a, world):
    for name in ("reports:report-docx", "reports:report-xlsx", "reports:narrative-edit"):
        assert as_staff_a.get(reverse(name, args=[world.period.pk])).status_code == 403
