"""Phase reminders of the PAR index through notifications' schedule (run_schedule), with mail
over a real SMTP server: some working days before each phase's end date the people who still
have work in it are told once, with a link to the page where they act.

Dates (June-July 2026, no holiday): D1 Fri 19/06, D2 Fri 26/06, D3 Fri 03/07, D4 Fri 10/07;
INDEX_REMINDER_WORKING_DAYS = 3, so self-assessment reminders start on Tue 16/06."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from index import services
from index.models import Assessment, Line, Phase
from index.reminders import send_phase_reminders
from notifications.models import Delivery, Kind, Notice
from notifications.schedule import STEPS, run_schedule
from notifications.services import send_due
from tests.conftest import _user
from tests.index_world import add_document, advance, make_set, score_self
from tests.smtp_server import SMTPServer
from units.access import APPRAISERS_GROUP
from units.models import Profile

D1, D2, D3, D4 = (datetime.date(2026, 6, 19), datetime.date(2026, 6, 26),
                  datetime.date(2026, 7, 3), datetime.date(2026, 7, 10))


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    server.start()
    settings.MAILERS = server.mailers()
    settings.SITE_URL = "https://cchc.nghean.gov.vn"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.INDEX_REMINDER_WORKING_DAYS = 3
    yield server
    server.stop()


@pytest.fixture
def people(staff_a, head_a, staff_b, coordinator):
    appraiser = _user("appraiser", groups=[APPRAISERS_GROUP])
    for user in (staff_a, head_a, staff_b, coordinator, appraiser):
        user.email = f"{user.username}@nghean.gov.vn"
        user.save()
    return {"staff_a": staff_a, "head_a": head_a, "staff_b": staff_b,
            "coordinator": coordinator, "appraiser": appraiser}


@pytest.fixture
def campaign(unit_a, unit_b, admin_user, people):
    """Unit B has submitted; unit A has not."""
    campaign = services.campaign_open(
        criteria_set=make_set(year=2025), self_until=D1, appraisal_until=D2,
        explanation_until=D3, council_until=D4, units=[unit_a, unit_b])
    for unit in (unit_a, unit_b):
        assessment = Assessment.objects.get(campaign=campaign, unit=unit)
        score_self(assessment, admin_user, {"1.1": "20", "1.2": "20", "1.3": "10",
                                            "2.1": "30", "2.2": "5"})
        add_document(assessment, admin_user)
    services.assessment_submit(assessment=Assessment.objects.get(campaign=campaign, unit=unit_b),
                               user=admin_user)
    return campaign


def run(day: datetime.date, hour: int = 9) -> dict:
    """The schedule as of that day, then the mail it queued sent (due from the real clock)."""
    result = run_schedule(now=at(day, hour))
    send_due()
    return result


def _told(kind=Kind.REMINDER) -> dict[str, str]:
    return {n.recipient.username: n.url for n in Notice.objects.filter(kind=kind)
            .select_related("recipient")}


def test_the_step_is_registered_in_the_schedule():
    assert STEPS["index_phase_reminders"] is send_phase_reminders


def test_self_assessment_reminders_reach_the_unit_that_has_not_submitted_once(
        smtp, campaign, unit_a):
    ours = Assessment.objects.get(campaign=campaign, unit=unit_a)
    assert run(datetime.date(2026, 6, 15))[
        "index_phase_reminders"] == {"campaigns": 0, "notices": 0}  # before the window
    result = run(datetime.date(2026, 6, 17))
    assert result["index_phase_reminders"] == {"campaigns": 1, "notices": 2}
    url = reverse("index:assessment-self", args=[ours.pk])
    assert _told() == {"staff_a": url, "head_a": url}  # not unit B (submitted), nor others
    received = {m["To"]: m for m in smtp.received}
    assert set(received) == {"staff_a@nghean.gov.vn", "head_a@nghean.gov.vn"}
    text = received["staff_a@nghean.gov.vn"].get_body(("plain",)).get_content()
    assert f"https://cchc.nghean.gov.vn{url}" in text and "19/06/2026" in text
    # Once per person, phase and campaign: the next runs (the same day, the next) add nothing
    run(datetime.date(2026, 6, 17), 10)
    run(datetime.date(2026, 6, 18))
    assert Notice.objects.filter(kind=Kind.REMINDER).count() == 2
    assert len(smtp.received) == 2


def test_a_person_who_turned_reminders_off_gets_the_notice_but_no_mail(
        smtp, campaign, people):
    Profile.objects.update_or_create(user=people["head_a"], defaults={"notify_reminder": False})
    run(datetime.date(2026, 6, 17))
    assert set(_told()) == {"staff_a", "head_a"}
    assert [m["To"] for m in smtp.received] == ["staff_a@nghean.gov.vn"]


def test_no_reminder_on_a_day_off(smtp, campaign, settings):
    settings.INDEX_REMINDER_WORKING_DAYS = 5  # the window opens on Fri 12/06
    assert send_phase_reminders(now=at(datetime.date(2026, 6, 13))) == {  # a Saturday
        "campaigns": 0, "notices": 0}
    assert send_phase_reminders(now=at(datetime.date(2026, 6, 12)))["notices"] == 2


def test_appraisal_reminders_reach_the_appraisers_while_an_assessment_waits(
        smtp, campaign, admin_user, coordinator, unit_b):
    campaign = advance(campaign, admin_user, Phase.APPRAISAL)
    run(datetime.date(2026, 6, 24))
    detail = reverse("index:campaign-detail", args=[campaign.pk])
    assert _told() == {"appraiser": detail}
    assert [m["To"] for m in smtp.received] == ["appraiser@nghean.gov.vn"]


def test_appraisal_reminders_stop_once_every_submitted_assessment_is_appraised(
        smtp, campaign, admin_user, coordinator, unit_b):
    campaign = advance(campaign, admin_user, Phase.APPRAISAL)
    theirs = Assessment.objects.get(campaign=campaign, unit=unit_b)
    line = Line.objects.get(assessment=theirs, node__number="1.2")
    services.assessment_appraise(assessment=theirs, user=coordinator, inputs={
        line.node_id: services.AppraisalInput(Decimal("10"), "Chưa cụ thể")})
    assert send_phase_reminders(now=at(datetime.date(2026, 6, 24)))["notices"] == 0


def test_explanation_reminders_reach_units_whose_lines_were_changed(
        smtp, campaign, admin_user, coordinator, unit_b):
    campaign = advance(campaign, admin_user, Phase.APPRAISAL)
    theirs = Assessment.objects.get(campaign=campaign, unit=unit_b)
    line = Line.objects.get(assessment=theirs, node__number="1.2")
    services.assessment_appraise(assessment=theirs, user=coordinator, inputs={
        line.node_id: services.AppraisalInput(Decimal("10"), "Chưa cụ thể")})
    campaign = advance(campaign, admin_user, Phase.EXPLANATION)
    run(datetime.date(2026, 7, 1))
    assert _told() == {"staff_b": reverse("index:assessment-explain", args=[theirs.pk])}
    assert [m["To"] for m in smtp.received] == ["staff_b@nghean.gov.vn"]


def test_council_reminders_reach_the_coordinators_while_a_disputed_line_is_undecided(
        smtp, campaign, admin_user, coordinator, unit_b):
    campaign = advance(campaign, admin_user, Phase.EXPLANATION)
    theirs = Assessment.objects.get(campaign=campaign, unit=unit_b)
    line = Line.objects.get(assessment=theirs, node__number="1.2")
    services.assessment_explain(assessment=theirs, user=admin_user, inputs={
        line.node_id: services.ExplanationInput("Có phụ lục", Decimal("20"))})
    campaign = advance(campaign, admin_user, Phase.COUNCIL)
    # The management command that `make run` calls every minute runs the step too
    call_command("run_schedule", "--send-now")  # today: outside the window, nothing
    assert not _told()
    run(datetime.date(2026, 7, 8))
    assert _told() == {"coordinator": reverse("index:campaign-detail", args=[campaign.pk])}
    assert Delivery.objects.filter(kind=Kind.REMINDER).count() == 1
    assert services.phase_reminder_recipients(campaign=campaign).get() == coordinator
