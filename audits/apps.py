from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from . import home, pdf  # noqa: F401  (register the home page panels and the review PDF)
