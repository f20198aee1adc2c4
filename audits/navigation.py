"""The reviews and programme items of the service navigation."""

from django.utils.translation import gettext_lazy as _

from qaportal.navigation import NavItem, register_nav_item
from qaportal.permissions import has_any_role
from qaportal.roles import Role

from .programme.permissions import can_view_programme
from .reviews.permissions import can_see_case

register_nav_item(
    NavItem("my_reviews", _("Your reviews"), "audits:my_reviews", order=10, active_for=frozenset({"audits:*"}))
)
register_nav_item(
    NavItem(
        "authorise",
        _("Authorise"),
        "audits:authorisation_queue",
        order=20,
        visible=lambda user, council: has_any_role(user, council, {Role.GROUP_MANAGER}),
        active_for=frozenset({"audits:authorisation_queue", "audits:authorise", "audits:allocation"}),
    )
)
register_nav_item(
    NavItem(
        "cases",
        _("Cases"),
        "audits:case_search",
        order=30,
        visible=can_see_case,
        active_for=frozenset({"audits:case_search", "audits:case"}),
    )
)
register_nav_item(
    NavItem(
        "programme",
        _("Programme"),
        "audits:programme",
        order=40,
        visible=can_view_programme,
        active_for=frozenset(
            {
                "audits:programme",
                "audits:rule_edit",
                "audits:rule_add",
                "audits:rule_delete",
                "audits:timetable_edit",
                "audits:sample_upload",
            }
        ),
    )
)
