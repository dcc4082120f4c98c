from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "reform_portal"
    verbose_name = "Reform plan portal"

    def ready(self) -> None:
        from reform_portal import checks  # noqa: F401  (registers the system checks)
