"""One run of the schedule (manage.py run_schedule, every few minutes from cron, a systemd
timer or `make run`): events into notices, due digests (with escalations), reminders before
cut-offs, then the mail due (first tries and retries) handed to the worker. Every step is
idempotent, so overlapping runs are harmless."""

import datetime

from django.utils import timezone

from notifications import cutoffs, digests, feed, services


def run_schedule(*, now: datetime.datetime | None = None, send_now: bool = False) -> dict:
    now = now or timezone.now()
    result = {
        "events": feed.process_events(),
        "digests": digests.build_digests(now=now),
        "cutoff_reminders": cutoffs.send_cutoff_reminders(today=timezone.localdate(now)),
    }
    if send_now:
        result["mail"] = services.send_due(now=now)
    else:
        services.enqueue_sending()  # retries whose time has come, and anything left queued
    return result
