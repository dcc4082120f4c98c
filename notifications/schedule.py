"""One run of the schedule (manage.py run_schedule, every few minutes from cron, a systemd
timer or `make run`): events into notices, due digests (with escalations), reminders before
cut-offs, then the mail due (first tries and retries) handed to the worker. Every step is
idempotent, so overlapping runs are harmless."""

import datetime
from collections.abc import Callable

from django.utils import timezone

from notifications import cutoffs, digests, feed, services


# Steps of the features above notifications (the PAR index's phase reminders), registered
# from their AppConfig.ready(): notifications may not import them (layers), yet they run in
# this one idempotent schedule, before the mail step so that what they queue leaves now.
STEPS: dict[str, Callable[..., dict]] = {}


def register_step(name: str, step: Callable[..., dict]) -> None:
    """Run step(now=...) on every run_schedule; its result is reported under `name`."""
    STEPS[name] = step


def run_schedule(*, now: datetime.datetime | None = None, send_now: bool = False) -> dict:
    now = now or timezone.now()
    result = {
        "events": feed.process_events(),
        "digests": digests.build_digests(now=now),
        "cutoff_reminders": cutoffs.send_cutoff_reminders(today=timezone.localdate(now)),
    }
    for name, step in STEPS.items():
        result[name] = step(now=now)
    if send_now:
        result["mail"] = services.send_due(now=now)
    else:
        services.enqueue_sending()  # retries whose time has come, and anything left queued
    return result
