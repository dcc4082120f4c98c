"""The public page /cong-khai/: published periods' frozen figures only, equal to the snapshot;
publish and withdraw recorded and shown at once; open data; rate limit; and no leak."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from publication.models import PublicationEvent, PublishedPeriod
from publication.services import period_publish, period_withdraw
from reports.services import narrative_save
from solutions.services import record_progress
from tests import official_world
from tests.factories import MembershipFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def world(unit_a, unit_b, coordinator):
    return official_world.build(unit_a=unit_a, unit_b=unit_b, coordinator=coordinator)


@pytest.fixture
def published(world, coordinator):
    period_publish(period=world.period, user=coordinator)
    return world


def _public_urls(period) -> list[str]:
    return [reverse("public:index"), reverse("public:period-detail", args=[period.pk]),
            reverse("public:period-csv", args=[period.pk]),
            reverse("public:period-json", args=[period.pk]),
            reverse("public:data-dictionary")]


def test_urls_are_stable_and_public(anonymous, published):
    urls = _public_urls(published.period)
    assert urls[0] == "/cong-khai/"
    assert urls[2].startswith("/cong-khai/") and urls[2].endswith(".csv")
    assert urls[3].startswith("/cong-khai/") and urls[3].endswith(".json")
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 200, url
        # Never kept by a shared cache: a withdrawal shows at the next request.
        assert response["Cache-Control"] == "no-cache", url


def test_public_figures_equal_the_snapshot(anonymous, published):
    data = published.period.snapshot.data
    response = anonymous.get(reverse("public:index"))
    latest = response.context["latest"]
    for key in ("total", "on_time", "late", "in_progress", "overdue", "done_share"):
        assert latest["totals"][key] == data["totals"][key]
    assert [(r["label"], r["total"], r["overdue"]) for r in latest["by_area"]] == [
        (r["label"], r["total"], r["overdue"]) for r in data["by_area"]]
    groups = {g["kind"]: g["total"] for g in latest["by_group"]}
    assert groups == {"provincial": 2, "district": 3}
    assert latest["indicators"][0]["actual"] == "97.5"
    # The open data add up to the same totals.
    rows = list(csv.DictReader(io.StringIO(
        anonymous.get(reverse("public:period-csv", args=[published.period.pk]))
        .content.decode("utf-8-sig"))))
    for key in ("total", "on_time", "late", "in_progress", "overdue"):
        assert sum(int(r[key]) for r in rows) == data["totals"][key]
    document = json.loads(anonymous.get(
        reverse("public:period-json", args=[published.period.pk])).content)
    assert document["totals"]["overdue"] == data["totals"]["overdue"] == 2
    assert document["licence"]["name"].startswith("Creative Commons")
    assert set(document["columns"]) == set(rows[0])
    assert [o["task_code"] for o in document["overdue"]] == [o["task_code"]
                                                             for o in data["overdue"]]


def test_public_figures_equal_the_period_report_page(anonymous, as_coordinator, published):
    page = as_coordinator.get(reverse("insight:period-report", args=[published.period.pk]))
    totals = page.context["report"]["totals"]
    public = anonymous.get(reverse("public:period-detail", args=[published.period.pk]))
    s = public.context["s"]["totals"]
    assert (s["total"], s["on_time"], s["late"], s["in_progress"], s["overdue"]) == (
        totals.total, totals.on_time, totals.late, totals.in_progress, totals.overdue)


def test_unpublished_and_open_periods_are_404(anonymous, world, coordinator):
    for period in (world.period, world.open_period):
        for name in ("public:period-detail", "public:period-csv", "public:period-json"):
            assert anonymous.get(reverse(name, args=[period.pk])).status_code == 404
    assert anonymous.get(reverse("public:index")).context["latest"] is None


def test_open_period_cannot_be_published(as_coordinator, world):
    response = as_coordinator.post(
        reverse("public:period-publish", args=[world.open_period.pk]), {"reason": ""},
        follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not PublishedPeriod.objects.exists() and not PublicationEvent.objects.exists()


def test_publish_and_withdraw_show_at_once_and_are_recorded(anonymous, as_coordinator,
                                                            coordinator, world):
    url = reverse("public:period-detail", args=[world.period.pk])
    assert anonymous.get(url).status_code == 404  # and it is now cached as missing
    assert as_coordinator.post(reverse("public:period-publish", args=[world.period.pk]),
                               {"reason": "Đã duyệt"}).status_code == 302
    assert anonymous.get(url).status_code == 200
    response = as_coordinator.post(reverse("public:period-withdraw", args=[world.period.pk]),
                                   {"reason": "Sai số liệu chỉ tiêu"})
    assert response.status_code == 302
    assert anonymous.get(url).status_code == 404
    events = list(PublicationEvent.objects.order_by("pk").values_list("action", "by", "reason"))
    assert events == [("publish", coordinator.pk, "Đã duyệt"),
                      ("withdraw", coordinator.pk, "Sai số liệu chỉ tiêu")]


def test_withdraw_needs_a_reason(as_coordinator, published):
    as_coordinator.post(reverse("public:period-withdraw", args=[published.period.pk]),
                        {"reason": ""})
    assert PublishedPeriod.objects.filter(period=published.period).exists()


def test_leaders_and_staff_cannot_publish(as_leader, as_staff_a, world):
    for client in (as_leader, as_staff_a):
        url = reverse("public:period-publish", args=[world.period.pk])
        assert client.post(url).status_code == 403
    assert not PublishedPeriod.objects.exists()


def test_rate_limit_answers_with_the_portals_429(anonymous, published, settings):
    settings.PUBLIC_RATE_LIMIT = "3/m"
    statuses = [anonymous.get(reverse("public:index")).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    response = anonymous.get(reverse("public:index"))
    assert response["Retry-After"] == "60"
    assert "<html" in response.content.decode()


def test_english_and_dates_dd_mm_yyyy(anonymous, published):
    from django.utils import translation

    # The request activates English in this thread: the next test must not inherit it.
    with translation.override(translation.get_language()):
        response = anonymous.get(reverse("public:period-detail", args=[published.period.pk]),
                                 headers={"accept-language": "en"})
    text = response.content.decode()
    assert 'lang="en"' in text and "How the figures are made" in text
    end = published.period.end_date.strftime("%d/%m/%Y")
    assert end in text


def test_query_count_is_constant(anonymous, published, django_assert_num_queries):
    anonymous.get(reverse("public:index"))
    # Once cached: 1 query, the publication state (the newest act) that keys the figures.
    with django_assert_num_queries(1):
        assert anonymous.get(reverse("public:index")).status_code == 200


# --- Leaks: a marker in every kind of object, found in no public page or file ------------------


def _assignment_note(w, marker, users):
    record_progress(assignment=w.assignments[2], user=users["staff"], percent=40,
                    note=f"Ghi chú {marker}")


def _evidence_name(w, marker, users):
    record_progress(assignment=w.assignments[2], user=users["staff"], percent=50, note="x",
                    evidence=SimpleUploadedFile(f"{marker}.pdf", PDF,
                                                content_type="application/pdf"))


def _person(w, marker, users):
    person = UserFactory(username=f"u{marker}", first_name=marker, last_name=marker,
                         email=f"{marker}@example.org")
    MembershipFactory(user=person, unit=w.assignments[2].unit, is_contact=True)
    if hasattr(person, "profile"):
        person.profile.phone = marker[-10:]
        person.profile.save()


def _unpublished_narrative(w, marker, users):
    narrative_save(period=w.period, user=users["coordinator"],
                   values={"direction": marker, "signer_name": marker})


def _draft_period(w, marker, users):
    # An open period's draft text and its live figures.
    narrative_save(period=w.open_period, user=users["coordinator"],
                   values={"direction": marker, "agency": "X", "number_suffix": "BC",
                           "place": "Nghệ An"})


def _signer_of_published(w, marker, users):
    # The signer's name of a published period is a person's name: never published.
    narrative_save(period=w.period, user=users["coordinator"],
                   values={"signer_name": marker, "recipients": marker})


def _unpublished_period(w, marker, users):
    """Another plan's closed (frozen) period, never published, with a marked task overdue."""
    import datetime

    from plans.models import ReportingPeriod
    from insight.services import close_period
    from plans.services import ensure_periods
    from tests.factories import AssignmentFactory, PlanFactory, TaskFactory

    other = PlanFactory(year=w.plan.year - 1)
    AssignmentFactory(task=TaskFactory(plan=other, title=marker, code="9.9",
                                       due_date=datetime.date(other.year, 2, 1)),
                      unit=w.assignments[0].unit)
    ensure_periods(other)
    period = other.periods.get(kind=ReportingPeriod.Kind.YEAR)
    close_period(period=period, user=users["coordinator"])
    assert marker in str(period.snapshot.data)  # it is in the frozen figures, unpublished


def _comment(w, marker, users):
    from solutions.services import comment_create

    comment_create(assignment=w.assignments[2], user=users["staff"], body=f"Trao đổi {marker}",
                   attachment=SimpleUploadedFile(f"{marker}.pdf", PDF,
                                                 content_type="application/pdf"))


def _task_after_freeze(w, marker, users):
    """A task done on time but created after the period closed: in no frozen task list."""
    import datetime

    from tests.factories import AssignmentFactory, TaskFactory

    task = TaskFactory(plan=w.plan, area=w.areas[0], code="1.9", title=marker,
                       due_date=datetime.date(w.plan.year, 6, 1))
    AssignmentFactory(task=task, unit=w.assignments[0].unit,
                      completed_on=datetime.date(w.plan.year, 5, 1), latest_percent=100)


def _renamed_after_freeze(w, marker, users):
    """A listed task renamed and a listed unit renamed after close: the frozen names stay."""
    from solutions.models import Task
    from units.models import Unit

    Task.objects.filter(pk=w.assignments[0].task_id).update(title=marker)
    Unit.objects.filter(pk=w.assignments[0].unit_id).update(name=marker)


# One line per kind of object.
LEAK_KINDS = {
    "comment on an assignment, and its file": _comment,
    "task created after the freeze": _task_after_freeze,
    "names changed after the freeze": _renamed_after_freeze,
    "progress entry note": _assignment_note,
    "evidence file name": _evidence_name,
    "person name, email, phone": _person,
    "narrative while unpublished": _unpublished_narrative,
    "draft (open) period": _draft_period,
    "signer and recipients of a published period": _signer_of_published,
    "unpublished period and its assignments": _unpublished_period,
}


# Kinds created after publication (the published period's own objects); the rest before it.
AFTER_PUBLICATION = {"signer and recipients of a published period"}
NEVER_PUBLISHED = {"narrative while unpublished"}


@pytest.mark.parametrize("kind", list(LEAK_KINDS))
def test_nothing_leaks(kind, anonymous, world, coordinator, staff_a):
    marker = "LEAKMARK7319" + kind.split()[0].upper()
    users = {"coordinator": coordinator, "staff": staff_a}
    if kind in AFTER_PUBLICATION:
        period_publish(period=world.period, user=coordinator)
        LEAK_KINDS[kind](world, marker, users)
        period_publish(period=world.period, user=coordinator)  # the text refreshed
    else:
        LEAK_KINDS[kind](world, marker, users)
        if kind not in NEVER_PUBLISHED:
            period_publish(period=world.period, user=coordinator)
    urls = _public_urls(world.period) + [
        reverse("public:period-detail", args=[world.open_period.pk]),
        reverse("public:index") + f"?plan={world.plan.pk}",
    ]
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code in (200, 404), url
        assert marker.encode() not in response.content, (kind, url)
        for person in (coordinator, staff_a):
            assert person.email.encode() not in response.content or not person.email, url


def test_a_published_narrative_is_shown_as_published(anonymous, world, coordinator):
    """The text goes public with the publication; later edits wait for the next one."""
    narrative_save(period=world.period, user=coordinator,
                   values={"direction": "Văn bản đã công bố", "agency": "UBND TỈNH NGHỆ AN",
                           "number_suffix": "BC-UBND", "place": "Nghệ An"})
    period_publish(period=world.period, user=coordinator)
    narrative_save(period=world.period, user=coordinator, values={"direction": "Bản sửa sau"})
    page = anonymous.get(reverse("public:period-detail", args=[world.period.pk])).content
    assert "Văn bản đã công bố".encode() in page and "Bản sửa sau".encode() not in page
    period_withdraw(period=world.period, user=coordinator, reason="Rút để sửa")
    assert anonymous.get(reverse("public:period-detail", args=[world.period.pk])).status_code == 404


def test_a_period_page_built_afresh_takes_a_constant_number_of_queries(
        anonymous, published, django_assert_num_queries):
    from django.core.cache import caches

    caches["local"].clear()
    # 1 the publication state, 2 the published period with its period, plan and snapshot,
    # 3 the period's indicator actuals, 4 the plan's indicators, 5 the units' kinds.
    with django_assert_num_queries(5):
        response = anonymous.get(reverse("public:period-detail", args=[published.period.pk]))
    assert response.status_code == 200


def test_the_demo_publishes_a_closed_period_with_its_report(db, monkeypatch, anonymous):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    from demo import public as demo_public
    from plans.models import ReportingPeriod

    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-2024")
    call_command("load_demo", verbosity=0)
    year_2024 = ReportingPeriod.objects.get(plan__year=2024, kind="year")
    published = PublishedPeriod.objects.get(period=year_2024)
    assert published.narrative["direction"] and year_2024.narrative.signer_name
    # Idempotent: a second run creates nothing new.
    assert demo_public.load(today=timezone.localdate(), password=None) == 0
    page = anonymous.get(reverse("public:period-detail", args=[year_2024.pk]))
    assert page.status_code == 200
    assert year_2024.narrative.signer_name.encode() not in page.content
    assert isinstance(published.published_at, datetime.datetime)


def test_indicator_figures_use_the_readers_decimal_mark(anonymous, published):
    from django.utils import translation

    from publication.templatetags.public_tags import number

    url = reverse("public:period-detail", args=[published.period.pk])
    assert "97,5 %" in anonymous.get(url).content.decode()
    with translation.override(translation.get_language()):
        english = anonymous.get(url, headers={"accept-language": "en"}).content.decode()
    assert "97.5 %" in english and "97,5" not in english
    with translation.override("vi"):
        assert (number("86.5"), number("100"), number(None), number("x")) == (
            "86,5", "100", "", "x")
