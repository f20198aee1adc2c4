"""The GOV.UK "are you sure" step before anything that cannot be undone: a GET shows what will happen
and a warning button; only the POST from that page acts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def confirm_page(
    request: HttpRequest, *, heading: str, warning: str, button: str, cancel_url: str, caption: str = ""
) -> HttpResponse:
    return render(
        request,
        "components/confirm.html",
        {"heading": heading, "warning": warning, "button": button, "cancel_url": cancel_url, "caption": caption},
    )
