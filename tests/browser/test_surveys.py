"""A survey campaign end to end in Chromium on the demo: poster, a phone answer, the kiosk's
reset, paper entry, results, the plan's indicator; axe-core on the form and the results."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from plans.models import IndicatorValue
from surveys.models import Campaign, Response

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    # The first screen alone, as a person sees it on opening the page.
    page.screenshot(path=str(SHOTS / f"{name}-{width}-top.png"), full_page=False)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
            for v in results.response["violations"]]


def _open_campaign() -> Campaign:
    return Campaign.objects.filter(closed_at__isnull=True).order_by("-start_date").first()


def _answer_everything(page) -> None:
    for fieldset in page.locator("form.survey fieldset").all():
        radios = fieldset.locator("input[type=radio]")
        if radios.count():
            radios.nth(min(3, radios.count() - 1)).check()
    page.locator("input[name=CAITHIEN]").first.check()


def test_phone_answer_and_kiosk_reset(demo, live_server, browser):
    campaign = _open_campaign()
    unit = campaign.campaign_units.select_related("unit").get(unit__code="16681").unit
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(8000)
    before = Response.objects.filter(campaign=campaign).count()
    page.goto(f"{live_server.url}/khao-sat/{campaign.code}/{unit.code}/")
    assert "Rất hài lòng" in page.content()
    assert no_sideways_scroll(page)
    assert violations(page) == []
    shot(page, "survey-form")
    # Sent with a missing answer: a clear message, nothing stored.
    with page.expect_navigation():
        page.click("form.survey button[type=submit]")
    assert page.locator(".form__errors").count() >= 1
    assert Response.objects.filter(campaign=campaign).count() == before
    _answer_everything(page)
    page.click("form.survey button[type=submit]")
    page.wait_for_url("**/cam-on/")
    assert "Cảm ơn" in page.content()
    assert Response.objects.filter(campaign=campaign).count() == before + 1
    shot(page, "survey-thanks")
    # Kiosk: after the thank-you, the form opens again by itself (meta refresh, no script).
    page.goto(f"{live_server.url}/khao-sat/{campaign.code}/{unit.code}/kiosk/")
    _answer_everything(page)
    page.click("form.survey button[type=submit]")
    page.wait_for_url("**/kiosk/cam-on/")
    page.wait_for_url(f"**/khao-sat/{campaign.code}/{unit.code}/kiosk/", timeout=15000)
    assert page.locator("form.survey button[type=submit]").count() == 1
    assert Response.objects.filter(campaign=campaign, channel="kiosk").count() >= 1
    context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_coordinator_poster_paper_results_and_indicator(demo, live_server, browser, width):
    campaign = _open_campaign()
    unit = campaign.campaign_units.select_related("unit").get(unit__code="16681").unit
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(8000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "coordinator")
    page.fill("input[name=password]", "demo-pass-2024")
    page.click("main button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/khao-sat/quan-ly/{campaign.pk}/")
    assert no_sideways_scroll(page)
    shot(page, "survey-campaign")
    page.locator(f"a[href='/khao-sat/quan-ly/{campaign.pk}/don-vi/{unit.pk}/ap-phich/']").click()
    assert page.locator(".poster__qr svg").count() == 1
    assert "/khao-sat/s/" in page.locator(".poster__url").inner_text()
    assert no_sideways_scroll(page)
    shot(page, "survey-poster")

    # Paper entry, keyboard only: type 4 into each scale of the first row with Tab between.
    page.goto(f"{live_server.url}/khao-sat/quan-ly/{campaign.pk}/don-vi/{unit.pk}/phieu-giay/")
    paper_before = Response.objects.filter(campaign=campaign, channel="paper").count()
    page.locator("input[name='r0-A1']").focus()
    scaled = page.locator("tbody tr").first.locator("input.paper__num").count()
    for _n in range(scaled):
        page.keyboard.type("4")
        page.keyboard.press("Tab")
    assert no_sideways_scroll(page)
    shot(page, "survey-paper")
    page.click("form.paper button[type=submit]")
    page.wait_for_load_state()
    assert Response.objects.filter(campaign=campaign, channel="paper").count() == paper_before + 1

    page.goto(f"{live_server.url}/khao-sat/quan-ly/{campaign.pk}/ket-qua/")
    assert "±" in page.content() and "1,96" in page.content()
    assert no_sideways_scroll(page)
    assert violations(page) == []
    shot(page, "survey-results")
    page.goto(f"{live_server.url}/khao-sat/quan-ly/{campaign.pk}/don-vi/{unit.pk}/ket-qua/")
    assert no_sideways_scroll(page)
    assert violations(page) == []
    shot(page, "survey-unit-results")

    page.goto(f"{live_server.url}/khao-sat/{campaign.code}/{unit.code}/")
    assert no_sideways_scroll(page)
    shot(page, "survey-form-signed-in")

    page.goto(f"{live_server.url}/khao-sat/quan-ly/{campaign.pk}/")
    page.click("text=Cập nhật chỉ tiêu kế hoạch")
    page.wait_for_load_state()
    value = IndicatorValue.objects.get(indicator=campaign.overall_indicator,
                                       period=campaign.period)
    assert value.note.startswith(campaign.title) and "phiếu" in value.note
    page.goto(f"{live_server.url}/plans/{campaign.period.plan_id}/indicators/")
    assert str(value.actual).replace(".", ",").rstrip("0").rstrip(",") in page.content()
    context.close()
