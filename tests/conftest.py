"""People in each role, and a small plan they work on.

unit A and unit B each have one assignment on the same task; staff_a and head_a belong to
unit A, staff_b to unit B; coordinator and leader belong to no unit.
"""

import datetime

import pytest
from django.test import Client

from tests.factories import (
    PASSWORD,
    AssignmentFactory,
    MembershipFactory,
    PlanFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
)
from units.access import COORDINATORS_GROUP, LEADERS_GROUP
from units.models import Membership


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    from django.core.cache import caches

    # The figures cache is the database's, rolled back with each test (and keyed by ids that a
    # flush between transactional tests never hands out again); the process's own cache (the
    # public page's summaries, rate limits) is emptied here.
    caches["local"].clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    # argon2 costs ~0.1 s a password by design; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def plan(db, today):
    return PlanFactory(year=today.year, start_date=datetime.date(today.year, 1, 1),
                       end_date=datetime.date(today.year, 12, 31))


@pytest.fixture
def unit_a(db):
    return UnitFactory(code="A01", name="Sở Tư pháp", short_name="STP")


@pytest.fixture
def unit_b(db):
    return UnitFactory(code="B01", name="Thành phố Vinh", short_name="TP Vinh", kind="district")


@pytest.fixture
def task(plan, today):
    return TaskFactory(plan=plan, due_date=today + datetime.timedelta(days=20))


@pytest.fixture
def assignment_a(task, unit_a):
    return AssignmentFactory(task=task, unit=unit_a)


@pytest.fixture
def assignment_b(task, unit_b):
    return AssignmentFactory(task=task, unit=unit_b)


def _user(username, *, groups=(), unit=None, role=Membership.Role.STAFF, **extra):
    user = UserFactory(username=username, groups=list(groups), **extra)
    if unit is not None:
        MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def staff_a(unit_a):
    return _user("staff_a", unit=unit_a)


@pytest.fixture
def head_a(unit_a):
    return _user("head_a", unit=unit_a, role=Membership.Role.HEAD)


@pytest.fixture
def staff_b(unit_b):
    return _user("staff_b", unit=unit_b)


@pytest.fixture
def coordinator(db):
    return _user("coordinator", groups=[COORDINATORS_GROUP])


@pytest.fixture
def leader(db):
    return _user("leader", groups=[LEADERS_GROUP])


@pytest.fixture
def admin_user(db):
    return _user("admin", is_staff=True, is_superuser=True)


def _client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_staff_a(staff_a):
    return _client_for(staff_a)


@pytest.fixture
def as_head_a(head_a):
    return _client_for(head_a)


@pytest.fixture
def as_staff_b(staff_b):
    return _client_for(staff_b)


@pytest.fixture
def as_coordinator(coordinator):
    return _client_for(coordinator)


@pytest.fixture
def as_leader(leader):
    return _client_for(leader)


@pytest.fixture
def as_admin(admin_user):
    return _client_for(admin_user)


@pytest.fixture
def anonymous(db):
    return Client()


__all__ = ["PASSWORD"]
