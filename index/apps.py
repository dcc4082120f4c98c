from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndexConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "index"
    verbose_name = _("PAR index")

    def ready(self):
        # The phase reminders run in notifications' schedule (run_schedule, every minute under
        # `make run`): notifications may not import index, so index registers itself.
        from index.reminders import send_phase_reminders
        from notifications.schedule import register_step

        register_step("index_phase_reminders", send_phase_reminders)
