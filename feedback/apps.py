from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        # The home panel, the review form's feedback section (contact attempts, the person's
        # words, or why they were not asked) and the demo's year of feedback register themselves
        # with the apps below.
        from . import demo, home, navigation, sections  # noqa: F401
