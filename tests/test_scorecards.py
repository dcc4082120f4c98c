"""Unit scorecards and the ranking of units (insight/scorecards.py, /units/ranking/, the unit page).

The scorecard data set, as of today (D), for unit A (Sở Tư pháp, provincial):

    #  due      state                                       due?  open?  stale?  days late
    1  D-10     done on time (D-12)                         yes   -      -       -
    2  D-20     done late (D-15)                            yes   -      -       5
    3  D-30     overdue, reported 5 days ago                yes   yes    no      30
    4  D+40     in progress, assigned 60 days ago, no report no    yes    yes     -
    5  D+40     in progress, reported 2 days ago             no    yes    no      -
    6  D-3      100% reported D-5, awaiting verification     yes   -      -       -
    7  D+40     another plan's assignment: never counted

    due 4: on time 1/4, late 1/4, overdue 1/4; compliance 2/3; average days late (5+30)/2 = 17.5
    score = 100 x (0.5 x 0.25 + 0.2 x 2/3 + 0.3 x 0.75) - min(10, 1.75) = 46.6
"""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from solutions.models import Assignment, Timeliness
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    PlanFactory,
    ProgressEntryFactory,
    ReformAreaFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)
from insight import scorecards
from units.models import Unit

RANKING = "/units/ranking/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def make_pending(assignment: Assignment, user, reported_at) -> None:
    """A 100% report awaiting a coordinator's verification."""
    entry = ProgressEntryFactory(assignment=assignment, reported_by=user, percent=100,
                                 note="Đã hoàn thành", reported_at=reported_at)
    Assignment.objects.filter(pk=assignment.pk).update(
        pending_entry=entry, latest_percent=100, latest_report_at=reported_at)


@pytest.fixture
def live_plan(db, today):
    return PlanFactory(year=today.year, start_date=today - days(200), end_date=today + days(200))


@pytest.fixture
def areas(live_plan):
    return [ReformAreaFactory(plan=live_plan, number=n, name=f"Lĩnh vực {n}") for n in (1, 2)]


def assign(plan, area, unit, due, **fields) -> Assignment:
    task = TaskFactory(plan=plan, area=area, due_date=due)
    return AssignmentFactory(task=task, unit=unit, **fields)


def done(on: datetime.date, at: datetime.datetime | None = None) -> dict:
    return {"latest_percent": 100, "completed_on": on,
            "latest_report_at": at or timezone.now() - days(30)}


@pytest.fixture
def scored(live_plan, areas, unit_a, staff_a, today):
    """Unit A's six assignments of the module docstring."""
    now = timezone.now()
    plan, (area1, area2) = live_plan, areas
    a = {
        1: assign(plan, area1, unit_a, today - days(10), **done(today - days(12))),
        2: assign(plan, area1, unit_a, today - days(20), **done(today - days(15))),
        3: assign(plan, area2, unit_a, today - days(30), latest_percent=40,
                  latest_report_at=now - days(5)),
        4: assign(plan, area2, unit_a, today + days(40),
                  created_at=now - days(settings.STALE_DAYS + 30)),
        5: assign(plan, area2, unit_a, today + days(40), latest_percent=20,
                  latest_report_at=now - days(2)),
        6: assign(plan, area1, unit_a, today - days(3), latest_percent=60),
    }
    make_pending(a[6], staff_a, now - days(5))
    other_plan = PlanFactory(year=today.year - 1)
    assign(other_plan, ReformAreaFactory(plan=other_plan, number=1), unit_a, today - days(50))
    return a


def card_for(cards, unit) -> scorecards.Scorecard:
    return next(c for g in cards for c in g.cards if c.unit_id == unit.pk)


# --- The numbers --------------------------------------------------------------------------------


def test_scorecard_numbers(scored, live_plan, leader, unit_a, today):
    card = card_for(scorecards.ranking(leader, live_plan, today), unit_a)
    assert (card.total, card.due, card.on_time, card.late, card.overdue) == (6, 4, 1, 1, 1)
    assert (card.on_time_share, card.late_share, card.overdue_share) == (0.25, 0.25, 0.25)
    assert (card.on_time_pct, card.late_pct, card.overdue_pct) == (25.0, 25.0, 25.0)
    # Open: #3, #4, #5 (the one awaiting verification is not open); #4 is stale.
    assert (card.open, card.stale, card.reported) == (3, 1, 2)
    assert card.compliance == pytest.approx(2 / 3)
    assert card.compliance_pct == 66.7
    assert card.days_late_total == pytest.approx(35)
    assert card.avg_days_late == pytest.approx(17.5)
    expected = 100 * (0.5 * 0.25 + 0.2 * 2 / 3 + 0.3 * 0.75) - min(10, 17.5 / 10)
    assert card.score == round(expected, 1) == 46.6


def test_days_late_in_sql_agree_with_the_python_rule(scored, live_plan, leader, unit_a, today):
    # The SQL sum of date differences and Assignment.days_late() are the same rule.
    card = card_for(scorecards.ranking(leader, live_plan, today), unit_a)
    counted = Assignment.objects.filter(task__plan=live_plan).with_timeliness(today).filter(
        timeliness__in=[Timeliness.LATE, Timeliness.OVERDUE])
    assert card.days_late_total == sum(a.days_late(today) for a in counted) == 35


def test_a_late_report_awaiting_verification_is_late_to_the_report(live_plan, areas, leader,
                                                                   unit_b, staff_b, today):
    # Reported 100% six days after the deadline, not yet verified: overdue (the report came
    # late) by 6 days, however long the coordinator takes.
    a = assign(live_plan, areas[0], unit_b, today - days(10), latest_percent=60)
    make_pending(a, staff_b, timezone.now() - days(4))
    card = card_for(scorecards.ranking(leader, live_plan, today), unit_b)
    assert (card.due, card.overdue, card.open) == (1, 1, 0)
    assert card.avg_days_late == pytest.approx(6)


def test_as_of_an_earlier_date(scored, live_plan, leader, unit_a, today):
    # Thirteen days ago: #1 (due D-10, done D-12) was neither done nor due; #2 was done late by
    # 5 days; #3 (due D-30) overdue by 17; #6 (due D-3) not yet due.
    on = today - days(13)
    card = card_for(scorecards.ranking(leader, live_plan, on), unit_a)
    assert (card.due, card.on_time, card.late, card.overdue) == (2, 0, 1, 1)
    assert card.avg_days_late == pytest.approx((5 + 17) / 2)


@pytest.mark.parametrize(
    "on_time, compliance, overdue, days_late, expected",
    [
        (1, 1, 0, 0, 100.0),  # perfect
        (0, 0, 1, 500, 0.0),  # never below 0: 0 + 0 + 0 - 10
        (0.5, 1, 0.5, 100, 50.0),  # 25 + 20 + 15 - min(10, 10)
        (0.5, 1, 0.5, 1000, 50.0),  # the lateness penalty stops at 10 points
        (0.5, 1, 0.5, 15, 58.5),  # 25 + 20 + 15 - 1.5
        (0.8, 0.5, 0.1, 23, 74.7),  # 40 + 10 + 27 - 2.3
    ],
)
def test_the_formula(on_time, compliance, overdue, days_late, expected):
    assert scorecards.compute_score(on_time_share=on_time, compliance=compliance,
                                    overdue_share=overdue, avg_days_late=days_late) == expected


def test_no_open_assignment_is_full_compliance_and_nothing_due_is_no_score(live_plan, areas,
                                                                        leader, today):
    finished = UnitFactory(name="Sở Ngoại vụ")
    assign(live_plan, areas[0], finished, today - days(5), **done(today - days(6)))
    waiting = UnitFactory(name="Ban Dân tộc")
    assign(live_plan, areas[0], waiting, today + days(30), latest_percent=10,
           latest_report_at=timezone.now())
    groups = scorecards.ranking(leader, live_plan, today)
    card = card_for(groups, finished)
    assert (card.open, card.compliance, card.score, card.rank) == (0, 1.0, 100.0, 1)
    card = card_for(groups, waiting)
    assert (card.due, card.score, card.rank, card.on_time_share) == (0, None, None, None)


# --- Ranking ------------------------------------------------------------------------------------


@pytest.fixture
def ranked(live_plan, areas, today):
    """Provincial agencies, localities and an "other" unit with known scores.

    P1 100 (all on time); P3 and P4 59.0 each (half on time, half overdue by 10 days, reports
    recent: 25 + 20 + 15 - 1) but P3 has 1 overdue, P4 2; P5/P6 as P3, names apart; P7 nothing
    due; L1 19.0 (one overdue by 10 days: 0 + 20 + 0 - 1); L2 and O1 100.
    """
    now = timezone.now()
    area = areas[0]
    units = {
        "P1": UnitFactory(name="Sở Tài chính"),
        "P3": UnitFactory(name="Sở Xây dựng"),
        "P4": UnitFactory(name="Ban Dân tộc"),  # first by name, but more overdue
        "P5": UnitFactory(name="Sở Đào tạo"),  # Đ folds to D: before "Sở Y tế"
        "P6": UnitFactory(name="Sở Y tế"),
        "P7": UnitFactory(name="Sở Du lịch"),
        "L1": UnitFactory(name="Thành phố Vinh", kind=Unit.Kind.DISTRICT),
        "L2": UnitFactory(name="Phường Trường Vinh", kind=Unit.Kind.COMMUNE),
        "O1": UnitFactory(name="Ban Quản lý Khu kinh tế", kind=Unit.Kind.OTHER),
    }
    recent = {"latest_percent": 50, "latest_report_at": now - days(1)}

    def half_overdue(unit, pairs):
        for _ in range(pairs):
            assign(live_plan, area, unit, today - days(10), **done(today - days(11)))
            assign(live_plan, area, unit, today - days(10), **recent)

    for _ in range(2):
        assign(live_plan, area, units["P1"], today - days(10), **done(today - days(12)))
    half_overdue(units["P3"], 1)
    half_overdue(units["P4"], 2)
    half_overdue(units["P5"], 1)
    half_overdue(units["P6"], 1)
    assign(live_plan, area, units["P7"], today + days(20), **recent)
    assign(live_plan, area, units["L1"], today - days(10), **recent)  # overdue only: score 20 - 1
    assign(live_plan, area, units["L2"], today - days(10), **done(today - days(11)))
    assign(live_plan, area, units["O1"], today - days(10), **done(today - days(11)))
    return units


def test_ranking_order_and_groups(ranked, live_plan, leader, today):
    groups = scorecards.ranking(leader, live_plan, today)
    assert [g.key for g in groups] == ["provincial", "localities", "other"]
    provincial, localities, other = groups
    assert [c.name for c in provincial.cards] == [
        "Sở Tài chính", "Sở Đào tạo", "Sở Xây dựng", "Sở Y tế", "Ban Dân tộc", "Sở Du lịch"]
    assert [c.score for c in provincial.cards] == [100.0, 59.0, 59.0, 59.0, 59.0, None]
    assert [c.overdue for c in provincial.cards] == [0, 1, 1, 1, 2, 0]
    assert [c.rank for c in provincial.cards] == [1, 2, 3, 4, 5, None]
    assert provincial.scored == 5 and provincial.cards[0].group_size == 5
    assert [(c.name, c.rank, c.score) for c in localities.cards] == [
        ("Phường Trường Vinh", 1, 100.0), ("Thành phố Vinh", 2, 19.0)]
    assert [c.name for c in other.cards] == ["Ban Quản lý Khu kinh tế"]


def test_the_other_group_only_shows_when_it_has_units(live_plan, areas, leader, unit_a, today):
    assign(live_plan, areas[0], unit_a, today - days(1))
    assert [g.key for g in scorecards.ranking(leader, live_plan, today)] == [
        "provincial", "localities"]


def test_ranking_page_for_a_leader(as_leader, ranked, live_plan):
    response = as_leader.get(f"{RANKING}?plan={live_plan.pk}", **EN)
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [g.key for g in groups] == ["provincial", "localities", "other"]
    html = response.content.decode()
    # The formula, in words and as a formula, and what "due" means.
    assert "score</span> = 100 × (0.5 × on-time share + 0.2 × reporting compliance + 0.3 × " \
           "(1 − overdue share)) − min(10, average days late ÷ 10)" in html
    assert "The score runs from 0 to 100." in html
    assert "Only they count toward the on-time, late and" in html
    assert html.index("Sở Tài chính") < html.index("Sở Xây dựng") < html.index("Ban Dân tộc")
    assert f'href="/units/{ranked["L1"].pk}/?plan={live_plan.pk}"' in html
    assert "style=" not in html
    # The heatmaps have a page of their own (the ranking stays light), linked from here.
    assert "chart--heatmap" not in html
    assert f'href="/units/heatmap/?plan={live_plan.pk}"' in html


def test_heatmap_page_for_a_leader(as_leader, ranked, live_plan):
    response = as_leader.get(f"/units/heatmap/?plan={live_plan.pk}", **EN)
    assert response.status_code == 200
    html = response.content.decode()
    # A heatmap per group, each with its text alternative.
    assert html.count('class="chart chart--heatmap"') == 3
    assert f'id="heatmap-{live_plan.pk}-localities-title"' in html
    assert html.count('<table class="chart-table">') == 3
    assert "style=" not in html
    # Localities are named by what they hold (no districts after 1/7/2025).
    assert html.index("Provincial agencies") < html.index("ommunes and wards")


def test_ranking_pages_each_group_alone(as_leader, live_plan, areas, today):
    """Thirty units a page; each group has its own page parameter, and ranks run on."""
    for i in range(55):
        unit = UnitFactory(kind=Unit.Kind.COMMUNE, name=f"Xã thử {i:02}")
        assign(live_plan, areas[0], unit, today - days(1))
    first = as_leader.get(f"{RANKING}?plan={live_plan.pk}", **EN)
    cards = first.context["groups"][1].page
    assert len(cards) == 30 and cards[0].rank == 1
    html = first.content.decode()
    assert f'href="?plan={live_plan.pk}&amp;page_localities=2"' in html
    second = as_leader.get(f"{RANKING}?plan={live_plan.pk}&page_localities=2", **EN)
    cards = second.context["groups"][1].page
    assert [c.rank for c in cards] == list(range(31, 56))


def test_ranking_page_dates_read_dd_mm_yyyy(as_leader, ranked, live_plan, today):
    html = as_leader.get(f"{RANKING}?plan={live_plan.pk}", **EN).content.decode()
    assert f"Situation as of {today:%d/%m/%Y}" in html


def test_staff_see_only_their_units_in_the_ranking(as_staff_a, ranked, live_plan, unit_a,
                                                    unit_b, areas, today):
    assign(live_plan, areas[0], unit_a, today - days(1), **done(today - days(2)))
    assign(live_plan, areas[0], unit_b, today - days(1))
    response = as_staff_a.get(f"{RANKING}?plan={live_plan.pk}")
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [[c.unit_id for c in g.cards] for g in groups] == [[unit_a.pk], []]
    html = response.content.decode()
    for unit in [unit_b, *ranked.values()]:
        assert unit.name not in html
    assert "Sở Tư pháp" in html


def test_anonymous_is_sent_to_log_in(anonymous):
    response = anonymous.get(RANKING)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_ranking_without_a_plan(as_leader):
    response = as_leader.get(RANKING)
    assert response.status_code == 200
    assert response.context["groups"] == []


def test_url_name():
    assert reverse("insight:unit-ranking") == RANKING


# --- The unit page ------------------------------------------------------------------------------


def test_unit_page_shows_the_scorecard(as_staff_a, scored, unit_a):
    response = as_staff_a.get(f"/units/{unit_a.pk}/", **EN)
    assert response.status_code == 200
    card = response.context["card"]
    assert (card.score, card.due, card.overdue, card.open) == (46.6, 4, 1, 3)
    # The unit's counts by class come from the same aggregate.
    totals = response.context["totals"]
    assert (totals.total, totals.on_time, totals.late, totals.overdue) == (6, 1, 1, 1)
    html = response.content.decode()
    assert 'id="scorecard"' in html
    assert "= <strong>46.6</strong>" in html  # the formula worked with the unit's numbers
    assert "Rank " not in html  # staff see one unit: no rank "1 of 1"


def test_unit_page_rank_for_a_leader(as_leader, ranked, live_plan):
    response = as_leader.get(f"/units/{ranked['P4'].pk}/?plan={live_plan.pk}", **EN)
    card = response.context["card"]
    assert (card.rank, card.group_size, card.score) == (5, 5, 59.0)
    assert "Rank 5 of 5: Provincial agencies" in response.content.decode()


def test_unit_page_of_another_unit_is_still_404_for_staff(as_staff_a, scored, unit_b):
    assert as_staff_a.get(f"/units/{unit_b.pk}/").status_code == 404


def test_unit_page_of_a_unit_without_assignments(as_leader, scored):
    lone = UnitFactory(name="Sở Du lịch")
    response = as_leader.get(f"/units/{lone.pk}/")
    assert response.status_code == 200
    assert response.context["card"].score is None
    assert response.context["totals"].total == 0


# --- Heatmap data -------------------------------------------------------------------------------


def test_heatmap_cells_and_order(scored, ranked, live_plan, areas, leader, today):
    heatmap = scorecards.area_heatmap(leader, live_plan, "provincial", today)
    assert [a.number for a in heatmap.areas] == [1, 2]
    rows = {row.name: row for row in heatmap.rows}
    a = rows["Sở Tư pháp"]
    # Area 1: #1, #2, #6 due, none overdue; area 2: #3 due and overdue, #4 and #5 not due.
    assert [(c.assigned, c.due, c.overdue, c.share) for c in a.cells] == [
        (3, 3, 0, 0.0), (3, 1, 1, 100.0)]
    assert rows["Sở Du lịch"].cells[0].share is None  # assigned, nothing due yet
    # Worst first: Ban Dân tộc (50%, 2 overdue) before the 50% units with 1, then by name.
    assert [r.name for r in heatmap.rows][:4] == [
        "Ban Dân tộc", "Sở Đào tạo", "Sở Xây dựng", "Sở Y tế"]
    localities = scorecards.area_heatmap(leader, live_plan, "localities", today)
    assert {r.name for r in localities.rows} == {"Thành phố Vinh", "Phường Trường Vinh"}
    district_only = scorecards.area_heatmap(leader, live_plan, Unit.Kind.DISTRICT, today)
    assert [r.name for r in district_only.rows] == ["Thành phố Vinh"]


def test_heatmap_keeps_the_worst_rows(ranked, live_plan, leader, today):
    heatmap = scorecards.area_heatmap(leader, live_plan, "provincial", today, limit=2)
    assert heatmap.truncated and heatmap.unit_count == 6
    assert [r.name for r in heatmap.rows] == ["Ban Dân tộc", "Sở Đào tạo"]


def test_unknown_group_is_an_error(live_plan, leader):
    with pytest.raises(ValueError):
        scorecards.area_heatmap(leader, live_plan, "ministries")


# --- Query counts: constant whatever the data size ----------------------------------------------

# Measured + 2 (ranking: 13 for a leader, of which session, user, groups, plan, the plan picker,
# the ranking aggregate, the areas and one heatmap aggregate per group of units; unit page: 11).
BUDGETS = {"ranking": 15, "unit": 13}


class Growth:
    """Adds units of every kind, tasks in every area and assignments in every state."""

    def __init__(self, plan, areas, unit_a, staff_a, today):
        self.plan, self.areas, self.unit_a, self.staff_a = plan, areas, unit_a, staff_a
        self.today, self.size = today, 0

    def grow(self, n: int) -> None:
        now = timezone.now()
        kinds = [Unit.Kind.PROVINCIAL, Unit.Kind.DISTRICT, Unit.Kind.COMMUNE, Unit.Kind.OTHER]
        for i in range(self.size, self.size + n):
            unit = UnitFactory(kind=kinds[i % 4])
            MembershipFactory(user=UserFactory(), unit=unit)
            area = self.areas[i % len(self.areas)]
            for j, target in enumerate((self.unit_a, unit)):
                state = (i + j) % 4
                fields = [
                    done(self.today - days(3)),
                    done(self.today - days(1)),
                    {"latest_percent": 30, "latest_report_at": now - days(i % 50)},
                    {"created_at": now - days(60)},
                ][state]
                a = assign(self.plan, area, target, self.today + days(5 - 4 * (i % 5)),
                           **fields)
                ProgressEntryFactory(assignment=a, reported_by=self.staff_a, percent=30)
        self.size += n


def measure(client, url: str) -> tuple[int, list[str]]:
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        assert response.content
    return len(captured), [q["sql"][:200] for q in captured.captured_queries]


@pytest.mark.parametrize("client_name", ["as_leader", "as_staff_a"])
@pytest.mark.parametrize("page", ["ranking", "unit"])
def test_query_count_does_not_grow(request, client_name, page, live_plan, areas, unit_a, staff_a,
                                   today, django_assert_max_num_queries):
    client = request.getfixturevalue(client_name)
    growth = Growth(live_plan, areas, unit_a, staff_a, today)
    url = {"ranking": f"{RANKING}?plan={live_plan.pk}",
           "unit": f"/units/{unit_a.pk}/?plan={live_plan.pk}"}[page]
    growth.grow(4)
    small, small_sql = measure(client, url)
    growth.grow(36)
    assert Assignment.objects.count() >= 80
    with django_assert_max_num_queries(BUDGETS[page]):
        response = client.get(url)
        assert response.status_code == 200
    big, big_sql = measure(client, url)
    assert big <= small, "\n".join(big_sql)
    assert small <= BUDGETS[page], "\n".join(small_sql)
