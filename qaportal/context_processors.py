from django.conf import settings
from django.http import HttpRequest

from .navigation import nav_items_for


def portal(request: HttpRequest) -> dict:
    return {
        "service_name": settings.QAPORTAL_SERVICE_NAME,
        "council": getattr(request, "council", None),
        "nav_items": nav_items_for(request),
    }
