"""The public feedback form (no account), and the quality team's inbox and best practice log."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.reviews.selectors import review_in_council
from qaportal.access_log.services import record_access
from qaportal.calendar import parse_month
from qaportal.exports import FORMATS, table_response
from qaportal.http import CouncilRequest, or_404
from qaportal.middleware import public
from qaportal.models import AccessRecord
from qaportal.net import client_ip
from qaportal.pdf import html_to_pdf

from . import permissions, selectors, services
from .forms import ComplaintForm, EasyReadFeedbackForm, PublicFeedbackForm, SharedForm
from .links import qr_data_uri, short_url
from .models import PublicFeedback, Referral, ReviewFeedback

SUBMISSIONS_PER_MINUTE = 10


def _over_limit(request: CouncilRequest) -> bool:
    """Allow ten submissions a minute from one address; people are never asked to solve puzzles."""
    key = f"public-feedback:{client_ip(request)}"
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) > SUBMISSIONS_PER_MINUTE
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        return False


def _review(request: CouncilRequest, review_pk: int):
    review = review_in_council(council=request.council, pk=review_pk)
    if review is None:
        raise Http404("No such review in this council.")
    return review


# The reference of the feedback this visitor just sent, shown on the thank-you page.
THANKS_REFERENCE = "feedback-reference"


@public
def public_form(request: CouncilRequest, council_slug: str, token: str = "", easy_read: bool = False) -> HttpResponse:
    council = request.council
    form_class = EasyReadFeedbackForm if easy_read else PublicFeedbackForm
    link_state = ""
    if token:
        link_state = "ok" if services.feedback_link_for(council=council, token=token) else "unusable"
    if request.method == "POST":
        if _over_limit(request):
            return render(request, "feedback/public_too_many.html", {"easy_read": easy_read}, status=429)
        form = form_class(request.POST)
        if form.is_valid():
            if not form.is_spam():
                data = {
                    k: form.cleaned_data[k].strip()
                    for k in ["given_by", "experience", "listened_to", "feedback", "name", "contact"]
                }
                submission = services.public_feedback_submit(
                    council=council,
                    token=token if link_state == "ok" else "",
                    form_kind=PublicFeedback.Form.EASY_READ if easy_read else PublicFeedback.Form.STANDARD,
                    **data,
                )
                request.session[THANKS_REFERENCE] = submission.reference
            return redirect(
                "feedback:public_thanks" if not easy_read else "feedback:public_thanks_easy", council_slug=council_slug
            )
    else:
        form = form_class()
    return render(
        request,
        "feedback/public_form.html",
        {
            "form": form,
            "easy_read": easy_read,
            "token": token,
            "link_state": link_state,
        },
    )


@public
def public_thanks(request: CouncilRequest, council_slug: str, easy_read: bool = False) -> HttpResponse:
    reference = request.session.get(THANKS_REFERENCE, "")
    return render(request, "feedback/public_thanks.html", {"easy_read": easy_read, "reference": reference})


@public
def short_link(request: CouncilRequest, council_slug: str, token: str = "") -> HttpResponse:
    if token:
        return redirect("feedback:public_form_token", council_slug=council_slug, token=token)
    return redirect("feedback:public_form", council_slug=council_slug)


# --- from a review ------------------------------------------------------------------------------


def _asking(request: CouncilRequest, review, easy_read: bool) -> dict:
    """What a letter or e-mail asking for feedback says: a one-time link for this review (made now),
    its QR code, and the council's other ways to be heard."""
    link = services.feedback_link_create(review=review, by=request.user)
    url = short_url(review.council.slug, link.token)
    return {"review": review, "council": review.council, "url": url, "qr": qr_data_uri(url), "easy_read": easy_read}


@require_POST
def letter(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponse:
    """A printable letter (PDF) asking the person for feedback: "letter" is one of the ways people are
    contacted, so the reviewer can post or hand one over. Plain English, or easy read."""
    review = _review(request, review_pk)
    easy_read = request.POST.get("easy_read") == "1"
    html = render_to_string("feedback/letter.html", {**_asking(request, review, easy_read), "pdf": True})
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    name = "feedback-letter-easy-read" if easy_read else "feedback-letter"
    response["Content-Disposition"] = f'attachment; filename="{name}-{review.pk}.pdf"'
    return response


@require_POST
def email_text(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponse:
    """The words of an e-mail asking the person for feedback, to copy into the reviewer's own e-mail
    (QA Portal holds no one's contact details: cases are known only by PIN)."""
    review = _review(request, review_pk)
    easy_read = request.POST.get("easy_read") == "1"
    context = _asking(request, review, easy_read)
    context["body"] = render_to_string("feedback/email/asking.txt", context)
    return render(request, "feedback/email_text.html", context)


@require_POST
def link_create(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponse:
    review = _review(request, review_pk)
    link = services.feedback_link_create(review=review, by=request.user)
    request.session["feedback-link"] = link.pk
    messages.success(request, _("A one-time feedback link has been made. Share it with the person."))
    return redirect(
        reverse("audits:section", kwargs={"council_slug": council_slug, "review_pk": review.pk, "kind": "feedback"})
        + "#share"
    )


@require_POST
def compliment_from_review(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponse:
    review = _review(request, review_pk)
    if not permissions.can_route_feedback(request.user, review):
        raise PermissionDenied
    try:
        text = review.feedback.feedback
    except ReviewFeedback.DoesNotExist:
        text = ""
    try:
        services.referral_make(
            council=request.council, kind=Referral.Kind.COMPLIMENT, by=request.user, text=text, review=review
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("Logged as a compliment and sent to %(email)s.")
            % {"email": request.council.compliments_email or _("the compliments team")},
        )
    return redirect("audits:section", council_slug=council_slug, review_pk=review.pk, kind="feedback")


def complaint_from_review(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponse:
    review = _review(request, review_pk)
    if not permissions.can_route_feedback(request.user, review):
        raise PermissionDenied
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.referral_make(
            council=request.council,
            kind=Referral.Kind.COMPLAINT,
            by=request.user,
            review=review,
            text=form.cleaned_data["summary"],
        )
        messages.success(
            request,
            _("The complaint has been referred to %(email)s.")
            % {"email": request.council.complaints_email or _("the complaints team")},
        )
        return redirect("audits:section", council_slug=council_slug, review_pk=review.pk, kind="feedback")
    return render(request, "feedback/complaint.html", {"review": review, "form": form})


# --- the quality team's inbox --------------------------------------------------------------------


def _require_team(request: CouncilRequest) -> None:
    if not permissions.can_manage_feedback(request.user, request.council):
        raise PermissionDenied(_("The feedback inbox is for the quality team."))


def inbox(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _require_team(request)
    status = request.GET.get("status", "")
    if status not in PublicFeedback.Status.values:
        status = ""
    return render(
        request,
        "feedback/inbox.html",
        {
            "items": selectors.inbox(council=request.council, status=status)[:200],
            "status": status,
            "statuses": PublicFeedback.Status.choices,
            "share_url": short_url(request.council.slug),
        },
    )


def inbox_item(request: CouncilRequest, council_slug: str, item_pk: int) -> HttpResponse:
    _require_team(request)
    item = or_404(selectors.public_feedback_in_council(council=request.council, pk=item_pk))
    services.public_feedback_mark_read(submission=item)
    if request.method == "GET":
        record_access(
            council=request.council,
            by=request.user,
            action=AccessRecord.Action.VIEWED,
            kind=AccessRecord.Kind.FEEDBACK_ITEM,
            object_id=item.pk,
            label=_("Feedback %(reference)s") % {"reference": item.reference},
        )
    form = ComplaintForm(request.POST or None, initial={"summary": item.feedback})
    if request.method == "POST":
        if "compliment" in request.POST:
            services.referral_make(
                council=request.council,
                kind=Referral.Kind.COMPLIMENT,
                by=request.user,
                text=item.feedback,
                public_feedback=item,
            )
            messages.success(request, _("Logged as a compliment."))
            return redirect("feedback:inbox", council_slug=council_slug)
        if form.is_valid():
            services.referral_make(
                council=request.council,
                kind=Referral.Kind.COMPLAINT,
                by=request.user,
                text=form.cleaned_data["summary"],
                public_feedback=item,
            )
            messages.success(request, _("Referred to the complaints team."))
            return redirect("feedback:inbox", council_slug=council_slug)
    return render(request, "feedback/inbox_item.html", {"item": item, "form": form})


def best_practice(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _require_team(request)
    notices = selectors.best_practice_log(council=request.council)
    export = request.GET.get("format")
    if export in FORMATS:
        return _export_best_practice(request, notices, export)
    return render(request, "feedback/best_practice.html", {"notices": notices})


def _export_best_practice(request: CouncilRequest, notices, fmt: str) -> HttpResponse:
    return table_response(
        headers=["Raised", "Review", "PIN", "Team", "Raised by", "Good practice", "Shared on", "Shared how"],
        rows=[
            [
                timezone.localtime(n.raised_at).date(),
                str(n.review.template_version.template),
                n.review.case.pin,
                str(n.review.case.team),
                str(n.raised_by),
                n.text,
                n.shared_at,
                n.shared_how,
            ]
            for n in notices
        ],
        fmt=fmt,
        filename=f"{request.council.slug}-best-practice-log",
        title="Best practice log",
        council=request.council,
        by=request.user,
    )


def best_practice_shared(request: CouncilRequest, council_slug: str, notice_pk: int) -> HttpResponse:
    _require_team(request)
    notice = or_404(selectors.best_practice_in_council(council=request.council, pk=notice_pk))
    form = SharedForm(
        request.POST or None,
        initial={"shared_at": notice.shared_at or timezone.localdate(), "shared_how": notice.shared_how},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.best_practice_mark_shared(notice=notice, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Marked as shared."))
            return redirect("feedback:best_practice", council_slug=council_slug)
    return render(request, "feedback/best_practice_shared.html", {"notice": notice, "form": form})


def coverage(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _require_team(request)
    month = parse_month(request.GET.get("month"), default=timezone.localdate())
    return render(
        request,
        "feedback/coverage.html",
        {
            "rows": selectors.feedback_coverage(council=request.council, month=month),
            "month": month,
        },
    )
