from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # Who may read a review as its moderator, and the moderator's home page.
        from . import home, visibility  # noqa: F401
