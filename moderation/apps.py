from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # Who may read a review as its moderator, the home panels, the navigation item, the
        # round report's PDF kind and the demo's year of rounds.
        from . import demo, home, navigation, report, visibility  # noqa: F401
