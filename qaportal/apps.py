from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _

from . import sessions


class QaportalConfig(AppConfig):
    name = "qaportal"
    verbose_name = "QA Portal"

    def ready(self) -> None:
        # Imported here because they use the models, which are ready only now.
        from .access_log import tasks  # noqa: F401  # Celery knows its tasks (autodiscovery finds qaportal.tasks only)
        from .navigation import NavItem, register_nav_item
        from .permissions import can_manage_people, can_read_access_log

        register_nav_item(NavItem("home", _("Home"), "home", order=0, active_for=frozenset({"home"})))
        register_nav_item(
            NavItem(
                "people",
                _("People"),
                "people:person_list",
                order=90,
                visible=can_manage_people,
                active_for=frozenset({"people:*"}),
            )
        )
        register_nav_item(
            NavItem(
                "teams",
                _("Teams"),
                "people:team_list",
                order=91,
                visible=can_manage_people,
                active_for=frozenset({"people:team_list", "people:team_add", "people:team_edit"}),
            )
        )
        register_nav_item(
            NavItem(
                "access_log",
                _("Access log"),
                "access_log:index",
                order=95,
                visible=can_read_access_log,
                active_for=frozenset({"access_log:*"}),
            )
        )
        # When the person signed in, kept in their session: the longest a session lasts counts from it.
        user_logged_in.connect(sessions.stamp_sign_in, dispatch_uid="qaportal.sessions.stamp_sign_in")
