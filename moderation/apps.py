from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # Who may read a review as its moderator, the home panels, the navigation item, the
        # round report's PDF kind, the demo's year of rounds, and the tasks (sent by name, so
        # imported here for every worker to know them).
        from . import demo, home, navigation, report, tasks, visibility  # noqa: F401
