"""axe-core (through Playwright) finds no serious or critical violation on the main pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from solutions.models import Assignment

pytestmark = pytest.mark.browser


def serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_main_pages_have_no_serious_violation(demo, live_server, page, login):
    page.goto(f"{live_server.url}/accounts/login/")
    assert serious(page) == [], "login page"

    login("staff.vinh")
    assignment = Assignment.objects.filter(unit__code="16681").first()
    paths = [
        "/",
        "/my/",
        f"/assignments/{assignment.pk}/",
        f"/tasks/{assignment.task_id}/",
        "/tasks/",
        "/assignments/",
        f"/units/{assignment.unit_id}/",
        "/units/",
    ]
    found = {}
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        if problems := serious(page):
            found[path] = problems
    assert found == {}


def test_leaders_pages_have_no_serious_violation(demo, live_server, page, login):
    """The pages leaders open: ranking, heatmap, period report, reporting periods."""
    from plans.models import Plan
    from plans.services import ensure_periods

    plan = Plan.objects.current()
    ensure_periods(plan)
    period = plan.periods.order_by("end_date").first()
    login("leader")
    found = {}
    for path in [f"/units/ranking/?plan={plan.pk}", f"/units/heatmap/?plan={plan.pk}",
                 f"/periods/{period.pk}/", f"/plans/{plan.pk}/periods/",
                 f"/plans/{plan.pk}/indicators/"]:
        page.goto(f"{live_server.url}{path}")
        if problems := serious(page):
            found[path] = problems
    assert found == {}
