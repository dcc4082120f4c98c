"""Background work, run by `manage.py db_worker` (django-tasks-db)."""

from django.tasks import task

from notifications import services


@task()
def send_queued_mail() -> dict:
    """Send every queued message that is due (first tries and retries)."""
    return services.send_due()
