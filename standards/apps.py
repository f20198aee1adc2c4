from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "standards"
    verbose_name = "Standards"

    def ready(self) -> None:
        from . import navigation  # noqa: F401  (registers its navigation item; uses the models)
