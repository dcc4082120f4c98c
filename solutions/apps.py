from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolutionsConfig(AppConfig):
    name = "solutions"
    verbose_name = _("Solutions and tasks")

    def ready(self):
        from solutions import search  # noqa: F401  registers the SQLite fold function
