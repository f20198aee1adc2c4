"""The timeout warning on every page for signed-in people: `{% timeout_warning %}` in base.html."""

from django import template
from django.conf import settings

from qaportal import sessions

register = template.Library()


@register.inclusion_tag("components/timeout_warning.html", takes_context=True)
def timeout_warning(context) -> dict:
    request = context.get("request")
    user = context.get("user")
    clock = getattr(request, "session_clock", None)
    return {
        "show": bool(user is not None and user.is_authenticated and clock is not None),
        "ends_at": clock.ends_at if clock else 0,
        "server_now": sessions.now(),
        "warn_seconds": settings.QAPORTAL_SESSION_WARNING_SECONDS,
        "cookie": sessions.SESSION_ENDS_COOKIE,
        "next": request.get_full_path() if request is not None else "/",
        "csrf_token": context.get("csrf_token"),
    }
