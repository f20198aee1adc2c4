"""Links to the public feedback form: the council's short link, one-time links for a review, QR codes."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from qaportal.emails import absolute

from .models import FeedbackLink


def short_url(council_slug: str, token: str = "") -> str:
    path = reverse(
        "feedback_short:short_token" if token else "feedback_short:short",
        kwargs={"council_slug": council_slug, **({"token": token} if token else {})},
    )
    return absolute(path)


def qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def share_panel(request: HttpRequest, review) -> dict:
    """The link and QR code shown on the review's feedback page, newest first."""
    link_pk = request.session.get("feedback-link")
    link = (
        FeedbackLink.objects.filter(council=review.council, review=review, pk=link_pk, used_at__isnull=True).first()
        if link_pk
        else None
    )
    general = short_url(review.council.slug)
    ask_choices = [("0", _("plain English")), ("1", _("easy read"))]
    if link is None:
        return {"share_url": general, "share_qr": qr_data_uri(general), "one_time": False, "ask_choices": ask_choices}
    url = short_url(review.council.slug, link.token)
    return {"share_url": url, "share_qr": qr_data_uri(url), "one_time": True, "ask_choices": ask_choices}
