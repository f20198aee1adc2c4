from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # Who may read a review as its moderator, the home panels, the navigation item and the
        # round report's PDF kind.
        from . import home, navigation, report, visibility  # noqa: F401
