from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        # The home page panel, the navigation item, and the demo councils' CQC mapping.
        from . import demo, home, navigation  # noqa: F401
