from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        # The home page panel, the navigation item, the demo councils' CQC mapping, the reports' PDF
        # kind, and the tasks (sent by name, so imported here for every worker to know them).
        from . import demo, home, navigation, reports, tasks  # noqa: F401
