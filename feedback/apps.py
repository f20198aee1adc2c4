from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        from audits.sections import HANDLERS
        from standards.models import SectionKind

        from . import home  # noqa: F401  (registers the home page panel)
        from .sections import FeedbackSection

        # The review form's feedback section is this app's: contact attempts, feedback, or a reason.
        HANDLERS[SectionKind.FEEDBACK] = FeedbackSection
