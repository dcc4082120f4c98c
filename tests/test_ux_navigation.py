"""Each role's way in: where a person lands after logging in, the menu they see, the glossary,
and the dashboard's first screen naming whom to call."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.factories import AssignmentFactory, MembershipFactory, TaskFactory, UserFactory
from units.models import Contact, Membership, unit_contacts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "lands"), [
    ("staff_a", "/my/"), ("head_a", "/my/"), ("leader", "/"), ("coordinator", "/"),
])
def test_each_role_lands_on_its_page(request, client, who, lands):
    user = request.getfixturevalue(who)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == lands


def test_a_next_parameter_wins_over_the_landing_page(client, staff_a):
    response = client.post(f"{reverse('login')}?next=/tasks/",
                           {"username": "staff_a", "password": PASSWORD, "next": "/tasks/"})
    assert response["Location"] == "/tasks/"


def _menu(client) -> str:
    html = client.get("/thuat-ngu/").content.decode()
    return html[html.index('class="mainnav"'):html.index("</nav>", html.index('class="mainnav"'))]


def test_staff_menu_has_their_work_and_no_verification(as_staff_a):
    menu = _menu(as_staff_a)
    assert 'href="/my/"' in menu
    assert 'href="/verification/"' not in menu
    assert 'href="/periods/"' in menu


def test_leader_menu_has_no_empty_my_assignments_nor_verification(as_leader):
    menu = _menu(as_leader)
    assert 'href="/my/"' not in menu
    assert 'href="/verification/"' not in menu
    assert 'href="/periods/"' in menu


def test_coordinator_menu_counts_the_reports_awaiting(as_coordinator, assignment_a, staff_a):
    from solutions.services import record_progress

    assert 'class="navcount"' not in _menu(as_coordinator)
    record_progress(assignment=assignment_a, user=staff_a, percent=100, note="Xong")
    menu = _menu(as_coordinator)
    assert 'href="/verification/"' in menu
    assert '<span class="navcount">1<' in menu
    assert 'href="/my/"' not in menu


def test_the_menu_folds_without_javascript(as_staff_a):
    html = as_staff_a.get("/thuat-ngu/").content.decode()
    assert '<input type="checkbox" id="navtoggle" class="navtoggle" aria-label="Danh mục">' in html
    assert '<label for="navtoggle"' in html


def test_reporting_periods_of_the_current_plan(as_staff_a, plan):
    response = as_staff_a.get("/periods/")
    assert response.status_code == 302
    assert response["Location"] == reverse("insight:period-list", args=[plan.pk])


def test_glossary_defines_each_status_and_the_score(as_staff_a, settings):
    settings.COORDINATING_AGENCY = "Sở Nội vụ tỉnh Nghệ An"
    html = as_staff_a.get("/thuat-ngu/").content.decode()
    for words in ("Hoàn thành đúng hạn", "Hoàn thành trễ hạn", "Đang thực hiện (trong hạn)",
                  "Quá hạn", "Sắp đến hạn", f"Quá {settings.STALE_DAYS} ngày chưa báo cáo",
                  "Chờ xác nhận", "Điểm theo dõi tiến độ", "Sở Nội vụ tỉnh Nghệ An"):
        assert words in html, words


def test_unit_contacts_one_query_for_all_units(django_assert_num_queries, unit_a, unit_b):
    head = UserFactory(username="h1", first_name="Thành", last_name="Đặng Văn",
                       email="thanh@nghean.gov.vn")
    MembershipFactory(user=head, unit=unit_a, role=Membership.Role.HEAD)
    MembershipFactory(user=UserFactory(username="s1"), unit=unit_b, role=Membership.Role.STAFF)
    with django_assert_num_queries(1):  # the heads of every unit asked for, with their people
        contacts = unit_contacts([unit_a.pk, unit_b.pk])
    assert contacts == {unit_a.pk: Contact(name="Đặng Văn Thành", phone="",
                                           email="thanh@nghean.gov.vn")}
    assert unit_contacts([]) == {}


def test_dashboard_first_screen_names_whom_to_call(as_leader, plan, unit_a, today):
    head = UserFactory(username="h1", first_name="Thành", last_name="Đặng Văn",
                       email="thanh@nghean.gov.vn")
    MembershipFactory(user=head, unit=unit_a, role=Membership.Role.HEAD)
    late = TaskFactory(plan=plan, code="T9", title="Rà soát thủ tục",
                       due_date=today - datetime.timedelta(days=12))
    AssignmentFactory(task=late, unit=unit_a)
    html = as_leader.get(f"/?plan={plan.pk}").content.decode()
    first = html[html.index('class="columns columns--even firstscreen"'):
                 html.index('class="panel"', html.index('id="waited-title"'))]
    behind = html[html.index('id="worst-title"'):html.index('id="waited-title"')]
    assert "Sở Tư pháp" in behind and "Đặng Văn Thành" in behind
    assert "thanh@nghean.gov.vn" in behind
    waited = html[html.index('id="waited-title"'):]
    assert "T9" in waited[:3000] and "12 ngày" in waited[:3000]
    assert first.index("worst-title") < html.index("completion-title")


def test_the_progress_form_comes_first_on_the_assignment_page(as_staff_a, assignment_a):
    html = as_staff_a.get(assignment_a.get_absolute_url()).content.decode()
    form = html.index('name="percent"')
    assert form < html.index('name="note"') < html.index('name="evidence"')
    assert form < html.index("Thông tin nhiệm vụ</h2>")  # the task's facts and other units come after


def test_a_coordinator_decides_above_the_units_own_form(as_coordinator, assignment_a):
    html = as_coordinator.get(assignment_a.get_absolute_url()).content.decode()
    assert html.index('id="coordination"') < html.index('id="report"')


def test_stock_messages_read_naturally(as_staff_a, assignment_a, client, staff_a):
    response = as_staff_a.post(assignment_a.get_absolute_url(),
                               {"percent": "101", "note": "Thử"})
    html = response.content.decode()
    assert "Tiến độ cao nhất là 100%." in html
    assert "Đảm bảo" not in html
    response = client.post(reverse("login"), {"username": "staff_a", "password": "sai"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng kiểm tra lại." in (
        response.content.decode())


def test_the_period_kind_is_not_called_a_unit_kind():
    from django.utils import translation

    from plans.models import ReportingPeriod
    from units.models import Unit

    with translation.override("vi"):
        assert str(ReportingPeriod._meta.get_field("kind").verbose_name) == "loại kỳ báo cáo"
        assert str(Unit._meta.get_field("kind").verbose_name) == "loại đơn vị"


def test_no_district_level_in_a_plan_of_communes_and_wards():
    from django.utils import translation

    from insight.scorecards import group_label

    with translation.override("vi"):
        assert group_label("localities", {"commune"}) == "Xã, phường"
        assert group_label("provincial", {"provincial"}) == "Sở, ban, ngành"
