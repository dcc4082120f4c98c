"""Two coordinators at once: one result and a message, never a 500 or a double record."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from publication.models import PublicationEvent, PublishedPeriod
from publication.services import period_publish, period_withdraw
from reports.models import PeriodNarrative
from reports.services import narrative_save
from tests import official_world


def _at_once(n: int, action) -> tuple[list, list]:
    start = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            start.wait(timeout=30)
            results.append(action(i))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_withdrawals_at_once_record_one(unit_a, unit_b, coordinator):
    world = official_world.build(unit_a=unit_a, unit_b=unit_b, coordinator=coordinator)
    period_publish(period=world.period, user=coordinator)
    results, errors = _at_once(2, lambda i: period_withdraw(
        period=world.period, user=coordinator, reason=f"Lý do {i}"))
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert not PublishedPeriod.objects.exists()
    assert PublicationEvent.objects.filter(action="withdraw").count() == 1


@pytest.mark.django_db(transaction=True)
def test_publications_at_once_leave_one_published_period(unit_a, unit_b, coordinator):
    world = official_world.build(unit_a=unit_a, unit_b=unit_b, coordinator=coordinator)
    results, errors = _at_once(4, lambda i: period_publish(period=world.period,
                                                           user=coordinator))
    assert errors == [] and len(results) == 4
    assert PublishedPeriod.objects.count() == 1
    assert PublicationEvent.objects.filter(action="publish").count() == 4


@pytest.mark.django_db(transaction=True)
def test_first_saves_of_a_narrative_at_once_make_one_row(unit_a, unit_b, coordinator):
    world = official_world.build(unit_a=unit_a, unit_b=unit_b, coordinator=coordinator)
    values = {"agency": "UBND TỈNH NGHỆ AN", "number_suffix": "BC-UBND", "place": "Nghệ An"}
    results, errors = _at_once(4, lambda i: narrative_save(
        period=world.period, user=coordinator, values={**values, "direction": f"bản {i}"}))
    assert errors == []
    assert PeriodNarrative.objects.count() == 1
    assert PeriodNarrative.history.count() == 4
