"""The feedback item of the service navigation."""

from django.utils.translation import gettext_lazy as _

from qaportal.navigation import NavItem, register_nav_item

from .permissions import can_manage_feedback

register_nav_item(
    NavItem(
        "feedback",
        _("Feedback"),
        "feedback:inbox",
        order=50,
        visible=can_manage_feedback,
        active_for=frozenset({"feedback:*"}),
    )
)
