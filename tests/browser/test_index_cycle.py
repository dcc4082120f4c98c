"""A full PAR index cycle in a real browser: the coordinator opens the campaign, the unit scores
itself with an evidence file, the head submits, the appraiser lowers a line, the unit explains,
the council decides, the coordinator publishes; the ranking and both exports are read back.
Screenshots at 1366 and 390 px go to var/screenshots/; no page scrolls sideways at 390 px."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from index.models import Assessment, Campaign, Phase
from tests.factories import PASSWORD, MembershipFactory, UnitFactory, UserFactory
from tests.index_world import make_set
from units.access import APPRAISERS_GROUP, COORDINATORS_GROUP
from units.models import Membership

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def wide_elements(page) -> list[str]:
    """The elements that stick out on the right (to say what scrolls sideways)."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8)
        .map(e => e.tagName + '.' + e.className)""")


def shoot(page, name: str) -> None:
    """The page at 1366 and at 390 px; at 390 nothing may scroll sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        path = SHOTS / f"{name}-{width}.png"
        # A long page on a busy machine takes more than the default 5 s to capture.
        page.screenshot(path=str(path), full_page=True, timeout=60000)
        assert path.stat().st_size > 5000
        if width == 390:
            fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert fits, (name, wide_elements(page))
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.fixture
def people(transactional_db):
    unit = UnitFactory(code="STP", name="Sở Tư pháp", short_name="Tư pháp")
    other = UnitFactory(code="STC", name="Sở Tài chính", short_name="Tài chính")
    staff = UserFactory(username="staff.tp")
    head = UserFactory(username="head.tp")
    MembershipFactory(user=staff, unit=unit, role=Membership.Role.STAFF)
    MembershipFactory(user=head, unit=unit, role=Membership.Role.HEAD)
    UserFactory(username="coord", groups=[COORDINATORS_GROUP])
    UserFactory(username="appr", groups=[APPRAISERS_GROUP])
    criteria_set = make_set(year=2025)
    return unit, other, criteria_set


def _as(login, page, live_server, username):
    page.context.clear_cookies()
    login(username, PASSWORD)
    return page


def _advance(page, live_server, campaign):
    page.goto(f"{live_server.url}/index/campaigns/{campaign.pk}/")
    page.click("form[action$='/advance/'] button")
    page.wait_for_load_state()


def test_a_full_cycle_with_exports(page, live_server, login, people):
    unit, other, criteria_set = people
    # The coordinator opens the campaign
    _as(login, page, live_server, "coord")
    page.goto(f"{live_server.url}/index/campaigns/new/")
    page.select_option("select[name=criteria_set]", str(criteria_set.pk))
    for name, day in (("self_until", "15/01/2026"), ("appraisal_until", "10/02/2026"),
                      ("explanation_until", "25/02/2026"), ("council_until", "10/03/2026")):
        page.fill(f"input[name={name}]", day)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    campaign = Campaign.objects.get()
    assert campaign.assessments.count() == 2
    ours = Assessment.objects.get(campaign=campaign, unit=unit)
    theirs = Assessment.objects.get(campaign=campaign, unit=other)
    nodes = {n.number: n.pk for n in criteria_set.components()}

    # The unit's staff score every line and attach a file
    _as(login, page, live_server, "staff.tp")
    page.goto(f"{live_server.url}/index/assessments/{ours.pk}/self/")
    scores = {"1.1": "20", "1.2": "20", "1.3": "15", "2.1": "30", "2.2": "8"}
    assert page.locator("input[name^=score]").count() == 5
    page.fill(f"input[name=score-{nodes['1.3']}]", "25")  # above the maximum: refused
    page.click("form.lines-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(f"#line-{nodes['1.3']} .field__errors").count() == 1
    for number, score in scores.items():
        page.fill(f"input[name=score-{nodes[number]}]", score)
    page.fill(f"textarea[name=note-{nodes['1.1']}]", "Kế hoạch số 12/KH-STP ngày 05/01/2025")
    page.set_input_files(f"input[name=file-{nodes['1.1']}]", files=[
        {"name": "ke-hoach.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click("form.lines-form button[type=submit]")
    page.wait_for_load_state()
    shoot(page, "index-self")
    assert ours.lines.filter(self_score__isnull=False).count() == 5
    # another unit's assessment is not found
    response = page.goto(f"{live_server.url}/index/assessments/{theirs.pk}/")
    assert response.status == 404

    # The head submits
    _as(login, page, live_server, "head.tp")
    page.goto(f"{live_server.url}/index/assessments/{ours.pk}/")
    page.click("form[action$='/submit/'] button")
    page.wait_for_load_state()
    ours.refresh_from_db()
    assert ours.is_submitted

    # Appraisal: the appraiser lowers line 1.2
    _as(login, page, live_server, "coord")
    _advance(page, live_server, campaign)
    _as(login, page, live_server, "appr")
    page.goto(f"{live_server.url}/index/assessments/{ours.pk}/appraise/")
    page.fill(f"input[name=score-{nodes['1.2']}]", "10")
    page.fill(f"textarea[name=comment-{nodes['1.2']}]", "Kế hoạch chưa nêu rõ sản phẩm")
    page.click("form.lines-form button[type=submit]")
    page.wait_for_load_state()
    shoot(page, "index-appraised")

    # Explanation by the unit
    _as(login, page, live_server, "coord")
    _advance(page, live_server, campaign)
    _as(login, page, live_server, "staff.tp")
    page.goto(f"{live_server.url}/index/assessments/{ours.pk}/explain/")
    page.fill(f"textarea[name=explain-{nodes['1.2']}]", "Phụ lục kèm theo kế hoạch nêu rõ sản phẩm")
    page.fill(f"input[name=proposed-{nodes['1.2']}]", "20")
    page.click("form.lines-form button[type=submit]")
    page.wait_for_load_state()

    # The council decides, the coordinator publishes
    _as(login, page, live_server, "coord")
    _advance(page, live_server, campaign)
    page.goto(f"{live_server.url}/index/assessments/{ours.pk}/decide/")
    page.fill(f"input[name=final-{nodes['1.2']}]", "20")
    page.fill(f"textarea[name=reason-{nodes['1.2']}]", "Hội đồng chấp nhận phụ lục")
    page.click("form.lines-form button[type=submit]")
    page.wait_for_load_state()
    _advance(page, live_server, campaign)
    campaign.refresh_from_db()
    assert campaign.phase == Phase.PUBLISHED

    # Ranking: 93 (ours, with 1.2 restored by the council) first, the other unit 0
    _as(login, page, live_server, "staff.tp")
    page.goto(f"{live_server.url}/index/campaigns/{campaign.pk}/results/")
    first = page.locator("table.index-summary tbody tr").first
    assert "Tư pháp" in first.inner_text() and "93" in first.inner_text()
    shoot(page, "index-results")
    with page.expect_download() as download:
        page.click("a[href$='results.xlsx']")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-4:] == ("Tự chấm", "Thẩm định", "Điểm cuối cùng", "Xếp loại")
    assert rows[1][:3] == (1, "STP", "Sở Tư pháp") and rows[1][-4:] == (93, 83, 93, "A")

    page.goto(f"{live_server.url}/index/assessments/{ours.pk}/")
    assert page.locator("svg.index-chart").count() == 1
    shoot(page, "index-unit-result")
    with page.expect_download() as download:
        page.click("a[href$='detail.xlsx']")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    lines = {row[0]: row for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert lines["1.2"][3:6] == (20, 10, 20)

    # After publication, a coordinator corrects the other unit's line 2.1 (0 -> 30): a reason
    # is required; the results page then shows its new total
    _as(login, page, live_server, "coord")
    page.goto(f"{live_server.url}/index/campaigns/{campaign.pk}/results/")
    row = page.locator("table.index-summary tbody tr", has_text="Tài chính")
    assert "0,00" in row.inner_text() and "30,00" not in row.inner_text()
    page.goto(f"{live_server.url}/index/assessments/{theirs.pk}/")
    page.click(f"#line-{nodes['2.1']} a[href$='/correct/']")
    page.wait_for_load_state()
    page.fill("input[name=score]", "30")
    page.click("main form button[type=submit]")  # no reason: refused
    page.wait_for_load_state()
    assert page.locator(".field--error textarea[name=reason]").count() == 1
    shoot(page, "index-correction")
    page.fill("textarea[name=reason]", "Đơn vị đã công khai đủ TTHC, bổ sung sau hội đồng")
    page.fill("input[name=document_number]", "Quyết định số 215/QĐ-UBND")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "0,00 → 30,00" in page.locator(f"#line-{nodes['2.1']}").inner_text()
    page.goto(f"{live_server.url}/index/campaigns/{campaign.pk}/results/")
    row = page.locator("table.index-summary tbody tr", has_text="Tài chính")
    assert "30,00" in row.inner_text()
    shoot(page, "index-results-corrected")


def test_the_criteria_editor(page, live_server, login, people):
    """A coordinator builds a set line by line, sees that the maxima do not add up yet, fixes
    them and reorders a component."""
    _as(login, page, live_server, "coord")
    page.goto(f"{live_server.url}/index/criteria/new/")
    page.fill("input[name=year]", "2027")
    page.select_option("select[name=unit_kind]", "commune")
    page.fill("input[name=name]", "Bộ chỉ số CCHC cấp xã năm 2027")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/edit/")

    def add(link_text: str, row_text: str | None, **fields):
        scope = page.locator("table.criteria-editor tr", has_text=row_text) if row_text \
            else page.locator("main")
        scope.locator(f"a:text-is('{link_text}')").first.click()
        page.wait_for_load_state()
        for name, value in fields.items():
            if name == "method":
                page.select_option("select[name=method]", value)
            else:
                page.fill(f"[name={name}]", value)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()

    add("Thêm lĩnh vực", None, content="Công tác chỉ đạo, điều hành CCHC", max_points="100")
    add("Thêm tiêu chí", "Công tác chỉ đạo", content="Kế hoạch CCHC năm", max_points="100")
    add("Thêm tiêu chí thành phần", "Kế hoạch CCHC năm", content="Ban hành kế hoạch đúng hạn",
        max_points="40", method="yes_no")
    assert page.locator(".editor-total--differs").count() == 1  # 40 of 100
    add("Thêm tiêu chí thành phần", "Kế hoạch CCHC năm", content="Mức độ hoàn thành kế hoạch",
        max_points="60", method="levels", levels="0; 30; 60")
    assert page.locator(".editor-total--differs").count() == 0
    page.locator("table.criteria-editor tr", has_text="Mức độ hoàn thành").locator(
        "button[aria-label]").first.click()  # up
    page.wait_for_load_state()
    numbers = page.locator("table.criteria-editor tbody tr td:first-child").all_inner_texts()
    assert numbers == ["I", "1", "1.1", "1.2"]
    assert "Mức độ hoàn thành" in page.locator("tr", has_text="1.1").first.inner_text() or \
        "Mức độ hoàn thành" in page.locator("table.criteria-editor tbody tr").nth(2).inner_text()
    shoot(page, "index-editor")
    page.locator("table.criteria-editor tbody tr").nth(2).locator("a", has_text="Sửa").first \
        .click()
    page.wait_for_load_state()
    shoot(page, "index-editor-line")


def test_the_demo_results_for_the_appraiser(page, live_server, login, demo):
    login("appraiser")
    page.goto(f"{live_server.url}/index/")
    shoot(page, "index-campaigns")
    page.click("text=Bộ chỉ số CCHC năm 2025 của sở, ban, ngành cấp tỉnh")
    page.click("a[href$='/results/']")
    page.wait_for_load_state()
    assert page.locator("table.index-summary tbody tr").count() >= 10
    shoot(page, "index-demo-results")
    page.locator("table.index-summary tbody tr a").first.click()
    page.wait_for_load_state()
    shoot(page, "index-demo-unit")
