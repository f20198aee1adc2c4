from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from . import home, navigation  # noqa: F401  (register the home page panel and the navigation item)
