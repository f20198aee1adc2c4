"""Review pages: my reviews, the task list, one page per section, submit, authorise, read and print."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qaportal import documents
from qaportal.http import CouncilRequest, posted_input, version_from_form
from qaportal.middleware import pop_pending_post
from qaportal.models import Document

from ..models import Escalation, QAPlanAction, ReviewEvent, SectionDraft
from ..sections import section_of, sections_of
from . import access, permissions, selectors, services
from .forms import (
    AllocateForm,
    AuthoriseForm,
    CaseSearchForm,
    DelegateForm,
    ManagerNoteForm,
    QAActionUpdateForm,
    ReasonForm,
    StartOwnForm,
)
from .pdf import REVIEW_PDF


def _review(request: CouncilRequest, review_pk: int, *, section: str | None = None):
    """The review with this id in this council; "missing" and "another council's" are the same 404.
    For one section's page, with that section's records only."""
    if section is None:
        review = selectors.review_in_council(council=request.council, pk=review_pk)
    else:
        review = selectors.review_for_section(council=request.council, pk=review_pk, kind=section)
    if review is None:
        raise Http404("No such review in this council.")
    return review


def _to_overview(review):
    return redirect("audits:review", council_slug=review.council.slug, review_pk=review.pk)


def my_reviews(request: CouncilRequest, council_slug: str) -> HttpResponse:
    reviews = list(selectors.reviews_for_reviewer(council=request.council, user=request.user))
    return render(
        request,
        "audits/my_reviews.html",
        {
            "open_reviews": [r for r in reviews if r.is_open],
            "done_reviews": [r for r in reviews if not r.is_open],
        },
    )


def review_overview(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponse:
    """The task list for the reviewer; everyone else reads the review."""
    review = _review(request, review_pk)
    if not permissions.can_edit_review(request.user, review):
        if not permissions.can_view_ratings_and_summary(request.user, review):
            raise PermissionDenied(_("You cannot see this review."))
        return redirect("audits:review_view", council_slug=council_slug, review_pk=review.pk)
    return _task_list(request, review)


def _task_list(request: CouncilRequest, review) -> HttpResponse:
    sections = sections_of(review)
    states = {s.kind: s for s in review.section_states.all()}
    last_return = None
    if review.status == review.Status.RETURNED:
        last_return = next((e for e in reversed(review.events.all()) if e.action == ReviewEvent.Action.RETURN), None)
    return render(
        request,
        "audits/review_overview.html",
        {
            "review": review,
            "sections": [(s, states.get(s.kind)) for s in sections],
            "can_submit": permissions.can_submit_review(request.user, review),
            "can_delegate": permissions.can_delegate(request.user, review),
            "last_return": last_return,
        },
    )


def section_edit(request: CouncilRequest, council_slug: str, review_pk: int, kind: str) -> HttpResponse:
    review = _review(request, review_pk, section=kind)
    section = section_of(review, kind)
    if section is None or not (section.reviewer_completes or section.worker_completes):
        raise Http404("This review has no such section.")
    if not permissions.can_edit_section(request.user, review, section):
        if permissions.can_view_review(request.user, review):
            return redirect("audits:review_view", council_slug=council_slug, review_pk=review.pk)
        raise PermissionDenied(_("Only the reviewer or their delegate can change this review."))
    by_worker = section.worker_completes
    notice = None
    conflict = None

    if request.method == "POST":
        base_version = version_from_form(request.POST.get("section_version"))
        try:
            form = services.section_save(
                review=review, kind=kind, data=request.POST, base_version=base_version, by=request.user
            )
        except services.SectionConflict as exc:
            form = section.form(request.POST)
            form.is_valid()
            conflict = exc.state
        except services.ReviewClosed as exc:
            messages.error(
                request,
                _(
                    "This review was %(status)s before your changes were saved, so it can no longer be changed. "
                    "What you typed has been kept: ask the group manager to return the review if it needs to change."
                )
                % {"status": exc.review.get_status_display().lower()},
            )
            return redirect("audits:review_view", council_slug=council_slug, review_pk=review.pk)
        else:
            if form.is_valid():
                back = "?next=check" if request.POST.get("next") == "check" else ""
                if "add_row" in request.POST:  # "add another": saved, and the page again with a new row
                    return redirect(f"{request.path}?add=1{'&next=check' if back else ''}#new-row")
                if any(key.endswith("-DELETE") for key in request.POST):
                    messages.success(request, _("Removed."))
                    return redirect(f"{request.path}{back}")
                messages.success(request, _("%(section)s saved.") % {"section": section.title})
                if by_worker and not ("save_and_continue" in request.POST and _next_section(review, kind)):
                    # The worker's part done (or kept for later): back to the review they take part in.
                    return redirect("audits:review_view", council_slug=council_slug, review_pk=review.pk)
                if back:
                    return redirect("audits:check", council_slug=council_slug, review_pk=review.pk)
                if "save_and_continue" in request.POST:
                    following = _next_section(review, kind)
                    if following:
                        return redirect(
                            "audits:section", council_slug=council_slug, review_pk=review.pk, kind=following.kind
                        )
                    # After the last section: check the answers, on the way to submitting.
                    return redirect("audits:check", council_slug=council_slug, review_pk=review.pk)
                return _to_overview(review)
    else:
        pending = pop_pending_post(request)
        draft = selectors.section_draft(review=review, kind=kind, user=request.user)
        if pending is not None:
            form = section.form(pending.data)
            form.is_valid()
            notice = _(
                "This is input you typed before you were signed out, at %(time)s. It has not been saved: "
                "check it and save it, or leave the page to discard it."
            ) % {"time": date_format(timezone.localtime(pending.typed_at), "j F Y, H:i")}
        elif draft is not None:
            form = section.form(services.querydict_from(draft.data))
            form.is_valid()
            notice = (
                _(
                    "These changes were not saved because someone else saved this section first. Check them "
                    "and save again."
                )
                if draft.source == SectionDraft.Source.CONFLICT
                else _("Your unsaved changes from %(time)s have been restored. Save them to keep them.")
                % {"time": date_format(timezone.localtime(draft.saved_at), "j F Y, H:i")}
            )
        elif request.GET.get("add"):
            form = section.form(add_row=True)
        else:
            form = section.form()
    # Read when the page is drawn, not before a save: a save reads it again under the review's lock.
    state = conflict or selectors.section_state(review=review, kind=kind)
    return render(
        request,
        section.template_name,
        {
            "review": review,
            "section": section,
            "form": form,
            "section_version": state.version if state else 0,
            "notice": notice,
            "conflict": conflict,
            "returned": selectors.return_being_answered(review),
            "state": state,
            "next_section": _next_section(review, kind),
            "back_to_check": request.GET.get("next") == "check" or request.POST.get("next") == "check",
            "by_worker": by_worker,
            # The guidance is open the first time this person opens the section, folded away after.
            "guidance_open": bool(section.guidance)
            and request.method == "GET"
            and services.guidance_first_reading(review=review, kind=kind, by=request.user),
            "autosave_url": reverse(
                "audits:autosave", kwargs={"council_slug": council_slug, "review_pk": review.pk, "kind": kind}
            ),
            "escalations": list(review.escalations.all()) if kind == "escalation" else [],
            **section.extra_context(request),
        },
    )


def _next_section(review, kind: str):
    worker = section_of(review, kind)
    worker_completes = worker is not None and worker.worker_completes
    editable = [
        s for s in sections_of(review) if s.worker_completes == worker_completes and s.completed_by != "group_manager"
    ]
    kinds = [s.kind for s in editable]
    if kind in kinds and kinds.index(kind) + 1 < len(kinds):
        return editable[kinds.index(kind) + 1]
    return None


@require_POST
def section_autosave(request: CouncilRequest, council_slug: str, review_pk: int, kind: str) -> JsonResponse:
    review = _review(request, review_pk, section=kind)
    if section_of(review, kind) is None:
        raise Http404
    data = posted_input(request)
    try:
        draft = services.section_autosave(
            review=review,
            kind=kind,
            data=data,
            base_version=version_from_form(request.POST.get("section_version")),
            by=request.user,
        )
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    return JsonResponse({"saved_at": timezone.localtime(draft.saved_at).strftime("%H:%M")})


def review_check(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponse:
    """Check your answers: every section as it reads, each with a Change link, and the only way to submit."""
    review = _review(request, review_pk)
    if not permissions.can_submit_review(request.user, review):
        if permissions.can_view_review(request.user, review):
            return redirect("audits:review_view", council_slug=council_slug, review_pk=review.pk)
        raise PermissionDenied(_("Only the reviewer or their delegate can submit this review."))
    return _check_page(request, review)


def _check_page(request: CouncilRequest, review, problems=None) -> HttpResponse:
    return render(
        request,
        "audits/review_check.html",
        {
            "review": review,
            "check": True,
            "has_errors": bool(problems),
            "problems": _problem_links(review, problems or []),
            **_review_context(review, request.user),
        },
    )


def _problem_links(review, problems) -> list[dict]:
    return [
        {
            "url": reverse(
                "audits:section",
                kwargs={"council_slug": review.council.slug, "review_pk": review.pk, "kind": p.section},
            )
            + f"?next=check#{p.anchor}",
            "message": p.message,
        }
        for p in problems
    ]


@require_POST
def review_submit(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponse:
    review = _review(request, review_pk)
    try:
        services.review_submit(review=review, by=request.user)
    except services.SubmitBlocked as exc:
        # Shown at once on the check page, with a link to each field that needs an answer.
        return _check_page(request, review, exc.problems)
    if review.template_version.requires_authorisation:
        messages.success(request, _("Review submitted. The group manager has been asked to authorise it."))
    else:
        messages.success(request, _("Review submitted. Thank you."))
    return redirect("audits:review_view", council_slug=council_slug, review_pk=review.pk)


def review_view(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponse:
    review = _review(request, review_pk)
    full = permissions.can_view_review(request.user, review)
    if not full and not permissions.can_view_ratings_and_summary(request.user, review):
        raise PermissionDenied(_("You cannot see this review."))
    if permissions.reads_completed_audits(request.user, review):
        services.review_read_record(review=review, by=request.user)
    access.review_viewed(council=request.council, review=review, by=request.user)
    return render(
        request,
        "audits/review_view.html",
        {
            "review": review,
            "limited": not full,
            **_review_context(review, request.user),
        },
    )


def _review_context(review, user) -> dict:
    contents = selectors.review_contents(review)
    sections = contents["sections"]
    return {
        **contents,
        "can_authorise": permissions.can_authorise(user, review),
        "can_edit": permissions.can_edit_review(user, review),
        "worker_can_edit": [
            s for s in sections if s.worker_completes and permissions.can_edit_section(user, review, s)
        ],
        "can_pdf": permissions.can_download_pdf(user, review),
        "can_acknowledge": permissions.can_acknowledge_escalation(user, review),
        "can_cancel": permissions.can_cancel(user, review),
    }


def review_pdf(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponseBase:
    """The review's PDF: downloaded at once when the current version has been made; otherwise made by
    the PDF worker while a page shows its progress."""
    review = _review(request, review_pk)
    if not permissions.can_download_pdf(request.user, review):
        raise PermissionDenied(_("You cannot download this review."))
    document = documents.document_request(
        council=request.council,
        kind=REVIEW_PDF,
        key=selectors.review_pdf_key(review),
        title=f"{review.template_version.template} of {review.case}",
        params={"review_id": review.pk},
        by=request.user,
    )
    if document.status == Document.Status.DONE:
        access.review_pdf_downloaded(council=request.council, review=review, by=request.user)
        return documents.pdf_download(document)
    return redirect("audits:review_pdf_status", council_slug=council_slug, review_pk=review.pk, document_pk=document.pk)


def _review_document(request: CouncilRequest, review, document_pk: int) -> Document:
    if not permissions.can_download_pdf(request.user, review):
        raise PermissionDenied(_("You cannot download this review."))
    document = selectors.review_pdf_document(review=review, pk=document_pk)
    if document is None:
        raise Http404("No such PDF of this review.")
    return document


def review_pdf_status(request: CouncilRequest, council_slug: str, review_pk: int, document_pk: int) -> HttpResponse:
    review = _review(request, review_pk)
    document = _review_document(request, review, document_pk)
    if request.method == "POST":
        document = documents.document_retry(document=document)
        return redirect(
            "audits:review_pdf_status", council_slug=council_slug, review_pk=review.pk, document_pk=document.pk
        )
    return render(request, "audits/review_pdf_wait.html", {"review": review, "document": document})


def review_pdf_download(
    request: CouncilRequest, council_slug: str, review_pk: int, document_pk: int
) -> HttpResponseBase:
    review = _review(request, review_pk)
    document = _review_document(request, review, document_pk)
    if document.status != Document.Status.DONE:
        return redirect(
            "audits:review_pdf_status", council_slug=council_slug, review_pk=review.pk, document_pk=document.pk
        )
    access.review_pdf_downloaded(council=request.council, review=review, by=request.user)
    return documents.pdf_download(document)


def review_history(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponse:
    review = _review(request, review_pk)
    if not permissions.can_view_review(request.user, review):
        raise PermissionDenied
    return render(
        request,
        "audits/review_history.html",
        {
            "review": review,
            "events": review.events.select_related("by"),
            "changes": review.changes.select_related("by"),
        },
    )


def authorisation_queue(request: CouncilRequest, council_slug: str) -> HttpResponse:
    return render(
        request,
        "audits/authorisation_queue.html",
        {
            "reviews": selectors.authorisation_queue(council=request.council, user=request.user),
            "escalations": selectors.open_escalations_for(council=request.council, user=request.user),
        },
    )


def authorise(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponse:
    review = _review(request, review_pk)
    if not permissions.can_authorise(request.user, review):
        if permissions.can_view_review(request.user, review):
            return redirect("audits:review_view", council_slug=council_slug, review_pk=review.pk)
        raise PermissionDenied(_("Only a group manager over the case's team can authorise this review."))
    form = AuthoriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "authorise":
                services.review_authorise(review=review, by=request.user, comments=form.cleaned_data["comments"])
                messages.success(request, _("Review authorised."))
            else:
                services.review_return(review=review, by=request.user, reason=form.cleaned_data["comments"])
                messages.success(request, _("Review returned to %(who)s.") % {"who": review.reviewer})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("audits:authorisation_queue", council_slug=council_slug)
    return render(
        request,
        "audits/authorise.html",
        {
            "review": review,
            "form": form,
            "limited": False,
            "returned": selectors.last_return(review),
            "changes_since_return": selectors.changes_since_return(review),
            "manager_note": selectors.manager_note_of(review),
            **_review_context(review, request.user),
        },
    )


def manager_note(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponse:
    """The group manager's private note, kept apart from the review (Derbyshire PSR/SPSR guidance)."""
    review = _review(request, review_pk)
    if not permissions.can_keep_manager_note(request.user, review):
        raise Http404  # its existence is not shown to anyone else either
    note = selectors.manager_note_of(review)
    form = ManagerNoteForm(request.POST or None, initial={"text": note.text if note else ""})
    if request.method == "POST" and form.is_valid():
        services.manager_note_save(review=review, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Your private note is saved. It is not part of the review or its PDF."))
        back = "audits:authorise" if permissions.can_authorise(request.user, review) else "audits:review_view"
        return redirect(back, council_slug=council_slug, review_pk=review.pk)
    return render(request, "audits/manager_note.html", {"review": review, "form": form, "note": note})


def delegate(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponse:
    review = _review(request, review_pk)
    if not permissions.can_delegate(request.user, review):
        raise PermissionDenied(_("Only the reviewer can delegate this review."))
    form = DelegateForm(request.POST or None, review=review, initial={"delegate": review.delegate})
    if request.method == "POST" and form.is_valid():
        try:
            services.review_delegate(review=review, delegate=form.cleaned_data["delegate"], by=request.user)
        except ValidationError as exc:
            form.add_error("delegate", exc)
        else:
            messages.success(request, _("Delegation saved. You stay accountable and can still see the review."))
            return _to_overview(review)
    return render(request, "audits/delegate.html", {"review": review, "form": form})


def cancel(request: CouncilRequest, council_slug: str, review_pk: int) -> HttpResponse:
    review = _review(request, review_pk)
    if not permissions.can_cancel(request.user, review):
        raise PermissionDenied(_("You cannot cancel this review."))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.review_cancel(review=review, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Review cancelled."))
        return redirect("audits:review_view", council_slug=council_slug, review_pk=review.pk)
    return render(request, "audits/cancel.html", {"review": review, "form": form})


@require_POST
def escalation_acknowledge(
    request: CouncilRequest, council_slug: str, review_pk: int, escalation_pk: int
) -> HttpResponse:
    review = _review(request, review_pk)
    escalation = Escalation.objects.filter(council=request.council, review=review, pk=escalation_pk).first()
    if escalation is None:
        raise Http404
    services.escalation_acknowledge(escalation=escalation, by=request.user)
    messages.success(request, _("Escalation acknowledged."))
    return redirect("audits:review_view", council_slug=council_slug, review_pk=review.pk)


def qa_action_update(request: CouncilRequest, council_slug: str, review_pk: int, action_pk: int) -> HttpResponse:
    """The owner marks their QA plan action done (or not needed), from their home page."""
    action = (
        QAPlanAction.objects.filter(council=request.council, review_id=review_pk, pk=action_pk)
        .select_related("review__case", "review__template_version__template", "owner_person")
        .first()
    )
    can_update = action is not None and permissions.can_update_qa_action(request.user, action)
    if action is None or not (can_update or permissions.can_view_review(request.user, action.review)):
        raise Http404
    form = QAActionUpdateForm(request.POST or None)
    if request.method == "POST" and can_update and form.is_valid():
        try:
            services.qa_action_close(
                action=action, by=request.user, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("QA plan action for PIN %(pin)s updated.") % {"pin": action.review.case.pin})
            return redirect("home", council_slug=council_slug)
    return render(request, "audits/qa_action.html", {"qa_action": action, "form": form, "can_update": can_update})


def allocate(request: CouncilRequest, council_slug: str) -> HttpResponse:
    if not permissions.can_allocate(request.user, request.council):
        raise PermissionDenied(_("Only group managers and the quality team allocate reviews."))
    form = AllocateForm(request.POST or None, council=request.council)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_allocate(council=request.council, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(t)s of PIN %(pin)s allocated to %(who)s.")
                % {"t": review.template_version.template, "pin": review.case.pin, "who": review.reviewer},
            )
            return redirect("audits:review_view", council_slug=council_slug, review_pk=review.pk)
    return render(request, "audits/allocate.html", {"form": form})


def start_own(request: CouncilRequest, council_slug: str) -> HttpResponse:
    form = StartOwnForm(request.POST or None, council=request.council)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_start_own(council=request.council, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _to_overview(review)
    return render(request, "audits/start_own.html", {"form": form})


def case_search(request: CouncilRequest, council_slug: str) -> HttpResponse:
    if not permissions.can_see_case(request.user, request.council):
        raise PermissionDenied
    form = CaseSearchForm(request.GET or None)
    case = None
    if form.is_valid() and form.cleaned_data["pin"]:
        case = selectors.case_by_pin(council=request.council, pin=form.cleaned_data["pin"])
        if case is not None:
            return redirect("audits:case", council_slug=council_slug, case_pk=case.pk)
    return render(request, "audits/case_search.html", {"form": form, "searched": form.is_bound})


def case_detail(request: CouncilRequest, council_slug: str, case_pk: int) -> HttpResponse:
    case = selectors.case_in_council(council=request.council, pk=case_pk)
    if case is None:
        raise Http404("No such case in this council.")
    if not permissions.can_see_case(request.user, request.council):
        raise PermissionDenied
    return render(request, "audits/case_detail.html", {"case": case, "reviews": selectors.case_reviews(case=case)})
