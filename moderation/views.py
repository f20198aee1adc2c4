"""Moderation pages: the quality team runs rounds; panel members record verdicts; reviewers and
group managers read the outcomes and discuss disagreements; everyone with the right sees agreement."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.reviews.access import review_viewed
from audits.reviews.selectors import review_contents, review_in_council
from audits.reviews.services import querydict_from
from qaportal import documents
from qaportal.access_log.services import record_access, record_report_download
from qaportal.http import CouncilRequest, posted_input, version_from_form
from qaportal.middleware import pop_pending_post
from qaportal.models import AccessRecord, Document
from standards.models import ScaleLevel

from . import permissions, selectors, services
from .forms import (
    CancelForm,
    CommentForm,
    ExtendForm,
    ReassignForm,
    ResolveForm,
    RoundForm,
    ThemeForm,
    VerdictForm,
)
from .models import Assignment, LearningTheme, ModerationRound, StandardVerdict, Verdict
from .quality import quality_label
from .report import ROUND_REPORT, round_report_context


def _quality_team(request: CouncilRequest) -> None:
    if not permissions.can_run_moderation(request.user, request.council):
        raise PermissionDenied(_("Only the quality team and the principal social worker run moderation."))


def _round(request: CouncilRequest, round_pk: int) -> ModerationRound:
    _quality_team(request)
    moderation_round = selectors.round_in_council(council=request.council, pk=round_pk)
    if moderation_round is None:
        raise Http404("No such moderation round in this council.")
    return moderation_round


def _problem(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(None, message)


# --- the quality team: rounds -------------------------------------------------------------------


def rounds(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _quality_team(request)
    return render(
        request,
        "moderation/rounds.html",
        {
            "rounds": list(selectors.rounds_in(council=request.council)[:100]),
            "awaiting": selectors.disagreements_awaiting(council=request.council).count(),
        },
    )


def round_new(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _quality_team(request)
    form = RoundForm(request.POST or None, council=request.council)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            moderation_round = services.round_open(
                council=request.council,
                name=data["name"],
                start=data["start"],
                end=data["end"],
                template_keys=data["templates"],
                sample_rule=data["sample_rule"],
                amount=data["amount"],
                panel=list(data["panel"]),
                closes_on=data["closes_on"],
                by=request.user,
            )
        except ValidationError as exc:
            _problem(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is open: %(n)s reviews were sampled and assigned to the panel.")
                % {"name": moderation_round.name, "n": moderation_round.assignments.count()},
            )
            return redirect("moderation:round", council_slug=council_slug, round_pk=moderation_round.pk)
    return render(request, "moderation/round_form.html", {"form": form})


def round_detail(request: CouncilRequest, council_slug: str, round_pk: int) -> HttpResponse:
    moderation_round = _round(request, round_pk)
    assignments = list(selectors.round_assignments(moderation_round=moderation_round))
    return render(
        request,
        "moderation/round_detail.html",
        {
            "round": moderation_round,
            "assignments": assignments,
            "progress": selectors.panel_progress(assignments),
            "agreement": selectors.agreement_by(
                selectors.moderated_pairs(council=request.council, round_id=moderation_round.pk), None
            ),
        },
    )


def _round_change(request: CouncilRequest, council_slug: str, round_pk: int, form_class, change, template: str):
    moderation_round = _round(request, round_pk)
    form = form_class(request.POST or None) if form_class else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            message = change(moderation_round, form.cleaned_data if form else {})
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect("moderation:round", council_slug=council_slug, round_pk=moderation_round.pk)
            _problem(form, exc)
        else:
            messages.success(request, message)
            return redirect("moderation:round", council_slug=council_slug, round_pk=moderation_round.pk)
    return render(request, template, {"round": moderation_round, "form": form})


def round_close(request: CouncilRequest, council_slug: str, round_pk: int) -> HttpResponse:
    def close(moderation_round, _data):
        services.round_close(moderation_round=moderation_round, by=request.user)
        return _("The round is closed. Reviewers and their group managers can now read the verdicts.")

    return _round_change(request, council_slug, round_pk, None, close, "moderation/round_close.html")


def round_extend(request: CouncilRequest, council_slug: str, round_pk: int) -> HttpResponse:
    def extend(moderation_round, data):
        current = services.round_extend(moderation_round=moderation_round, closes_on=data["closes_on"], by=request.user)
        return _("The round now closes on %(d)s.") % {"d": date_format(current.closes_on, "j F Y")}

    return _round_change(request, council_slug, round_pk, ExtendForm, extend, "moderation/round_extend.html")


def round_cancel(request: CouncilRequest, council_slug: str, round_pk: int) -> HttpResponse:
    def cancel(moderation_round, data):
        services.round_cancel(moderation_round=moderation_round, reason=data["reason"], by=request.user)
        return _("The round is cancelled. Its panel no longer sees its reviews.")

    return _round_change(request, council_slug, round_pk, CancelForm, cancel, "moderation/round_cancel.html")


def reassign(request: CouncilRequest, council_slug: str, assignment_pk: int) -> HttpResponse:
    _quality_team(request)
    assignment = selectors.assignment_in_council(council=request.council, pk=assignment_pk)
    if assignment is None:
        raise Http404("No such assignment in this council.")
    form = ReassignForm(request.POST or None, council=request.council, exclude=[assignment.moderator_id])
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_reassign(
                assignment=assignment, to=form.cleaned_data["to"], reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            _problem(form, exc)
        else:
            messages.success(
                request,
                _("%(review)s is now assigned to %(who)s.")
                % {"review": assignment.review.case, "who": form.cleaned_data["to"]},
            )
            return redirect("moderation:round", council_slug=council_slug, round_pk=assignment.round_id)
    return render(request, "moderation/reassign.html", {"assignment": assignment, "form": form})


# --- the panel member: the verdict -----------------------------------------------------------------


def _own_assignment(request: CouncilRequest, assignment_pk: int) -> Assignment:
    """The moderator's own assignment in a round that was not cancelled; anyone else's is a 404."""
    assignment = selectors.assignment_in_council(council=request.council, pk=assignment_pk)
    if (
        assignment is None
        or not permissions.can_moderate(request.user, assignment)
        or assignment.round.status == ModerationRound.Status.CANCELLED
    ):
        raise Http404("No such review to moderate.")
    return assignment


def _levels(review) -> dict[int, list[ScaleLevel]]:
    version = review.template_version
    if not version.scale_id:
        return {}
    return {version.pk: list(ScaleLevel.objects.filter(council=review.council, scale_id=version.scale_id))}


def _initial(verdict: Verdict, ratings) -> dict:
    if verdict.pk is None:
        return {}
    saved = {s.rating_id: s for s in verdict.standards.all()}
    data: dict = {
        "quality": verdict.quality,
        "practice": verdict.practice,
        "feedback": verdict.feedback,
        "themes": [t.pk for t in verdict.themes.all()],
    }
    for rating in ratings:
        s = saved.get(rating.pk)
        if s is not None and s.agrees is not None:
            data[f"agree_{rating.pk}"] = "yes" if s.agrees else "no"
            data[f"level_{rating.pk}"] = str(s.level_id or "")
            data[f"reason_{rating.pk}"] = s.reason
    return data


def verdict(request: CouncilRequest, council_slug: str, assignment_pk: int) -> HttpResponse:
    assignment = _own_assignment(request, assignment_pk)
    review = review_in_council(council=request.council, pk=assignment.review_id)
    # Opening the page writes nothing: the verdict is made on its first save or autosave.
    saved = Verdict.objects.filter(council=request.council, assignment=assignment).first() or Verdict(
        council=request.council, assignment=assignment
    )
    ratings = services.ratings_of(review)
    levels = _levels(review)
    kwargs = {"council": request.council, "ratings": ratings, "levels": levels}
    readonly = saved.status == Verdict.Status.SUBMITTED or assignment.round.status != ModerationRound.Status.OPEN
    notice = conflict = None
    version = saved.version
    if request.method == "POST" and not readonly:
        submit = "submit" in request.POST
        form = VerdictForm(request.POST, submit=submit, **kwargs)
        base_version = version_from_form(request.POST.get("verdict_version"))
        if form.is_valid():
            try:
                services.verdict_save(
                    assignment=assignment,
                    cleaned=form.cleaned_data,
                    base_version=base_version,
                    by=request.user,
                    submit=submit,
                )
            except services.VerdictConflict:
                conflict = True
                version = services.verdict_of(assignment).version
            except ValidationError as exc:
                _problem(form, exc)
            else:
                if submit:
                    messages.success(request, _("Your verdict on %(case)s has been submitted.") % {"case": review.case})
                    return redirect("home", council_slug=council_slug)
                messages.success(request, _("Your verdict has been saved as a draft."))
                return redirect("moderation:verdict", council_slug=council_slug, assignment_pk=assignment.pk)
    else:
        pending = pop_pending_post(request) if not readonly else None
        if pending is not None:
            form = VerdictForm(pending.data, **kwargs)
            form.is_valid()
            notice = _(
                "This is what you typed before you were signed out, at %(time)s. It has not been saved: check it "
                "and save it."
            ) % {"time": date_format(timezone.localtime(pending.typed_at), "j F Y, H:i")}
        elif saved.draft_data and not readonly:
            form = VerdictForm(querydict_from(saved.draft_data), **kwargs)
            form.is_valid()
            notice = _("Your unsaved changes from %(time)s have been restored. Save them to keep them.") % {
                "time": date_format(timezone.localtime(saved.draft_saved_at), "j F Y, H:i")
            }
        else:
            form = VerdictForm(initial=_initial(saved, ratings), **kwargs)
        review_viewed(council=request.council, review=review, by=request.user)
    return render(
        request,
        "moderation/verdict.html",
        {
            "assignment": assignment,
            "review": review,
            "verdict": saved,
            "form": form,
            "verdict_version": version,
            "readonly": readonly,
            "notice": notice,
            "conflict": conflict,
            "limited": False,
            "standard_verdicts": list(selectors.standard_verdicts(saved)) if readonly and saved.pk else [],
            "quality": quality_label(request.council.slug, saved.quality),
            **review_contents(review),
        },
    )


@require_POST
def verdict_autosave(request: CouncilRequest, council_slug: str, assignment_pk: int) -> JsonResponse:
    assignment = _own_assignment(request, assignment_pk)
    data = posted_input(request)
    try:
        saved = services.verdict_autosave(
            assignment=assignment,
            data=data,
            base_version=version_from_form(request.POST.get("verdict_version")),
            by=request.user,
        )
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    return JsonResponse({"saved_at": timezone.localtime(saved.draft_saved_at).strftime("%H:%M")})


# --- outcomes: reading, discussing, resolving ----------------------------------------------------------


def outcome(request: CouncilRequest, council_slug: str, verdict_pk: int) -> HttpResponse:
    found = selectors.verdict_in_council(council=request.council, pk=verdict_pk)
    if found is None or not permissions.can_read_outcome(request.user, found):
        raise Http404("No such moderation verdict.")
    can_resolve = permissions.can_run_moderation(request.user, request.council)
    levels = next(iter(_levels(found.assignment.review).values()), [])
    standard_verdicts = list(selectors.standard_verdicts(found))
    action, _sep, target = request.POST.get("action", "").partition("-")
    has_errors = False
    for sv in standard_verdicts:
        posted = request.method == "POST" and target == str(sv.pk)
        sv.comment_form = CommentForm(request.POST if posted and action == "comment" else None, prefix=f"c{sv.pk}")
        sv.resolve_form = ResolveForm(
            request.POST if posted and action == "resolve" else None, prefix=f"r{sv.pk}", levels=levels
        )
        if not posted:
            continue
        if action == "resolve" and not can_resolve:
            raise PermissionDenied(_("Only the quality team settles a final rating."))
        if action == "comment" and not permissions.can_discuss(request.user, found):
            raise PermissionDenied(_("The discussion opens when the round closes."))
        form = sv.resolve_form if action == "resolve" else sv.comment_form
        if form.is_valid():
            try:
                if action == "resolve":
                    services.disagreement_resolve(
                        standard_verdict=sv,
                        level=form.cleaned_data["final_level"],
                        note=form.cleaned_data["resolution"],
                        by=request.user,
                    )
                    messages.success(
                        request, _("The final rating for %(n)s is recorded.") % {"n": sv.rating.standard.number}
                    )
                else:
                    services.comment_add(standard_verdict=sv, text=form.cleaned_data["text"], by=request.user)
                    messages.success(request, _("Your comment has been added."))
            except ValidationError as exc:
                _problem(form, exc)
            else:
                return redirect(f"{request.path}#discuss-{sv.pk}")
        has_errors = True
    return render(
        request,
        "moderation/outcome.html",
        {
            "verdict": found,
            "review": found.assignment.review,
            "standard_verdicts": standard_verdicts,
            "quality": quality_label(request.council.slug, found.quality),
            "can_resolve": can_resolve,
            "can_discuss": permissions.can_discuss(request.user, found),
            "has_errors": has_errors,
        },
        status=400 if has_errors else 200,
    )


def disagreements(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _quality_team(request)
    return render(
        request,
        "moderation/disagreements.html",
        {"items": list(selectors.disagreements_awaiting(council=request.council)[:200])},
    )


# --- agreement and the round report -----------------------------------------------------------------

BY = {
    "standard": _("Standard"),
    "reviewer": _("Reviewer"),
    "team": _("Team"),
    "template": _("Form"),
    "round": _("Round"),
    "month": _("Month"),
}


def agreement_page(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _quality_team(request)
    by = request.GET.get("by") if request.GET.get("by") in BY else "standard"
    rows = selectors.moderated_pairs(council=request.council)
    return render(
        request,
        "moderation/agreement.html",
        {
            "by": by,
            "groupings": BY,
            "overall": selectors.agreement_by(rows, None),
            "rows": selectors.agreement_by(rows, by),
        },
    )


def themes(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _quality_team(request)
    form = ThemeForm()
    if request.method == "POST":
        if "retire" in request.POST or "restore" in request.POST:
            theme = LearningTheme.objects.filter(
                council=request.council,
                pk=version_from_form(request.POST.get("retire") or request.POST.get("restore")),
            ).first()
            if theme is None:
                raise Http404("No such theme.")
            services.theme_retire(theme=theme, retired="retire" in request.POST)
            messages.success(request, _("“%(name)s” updated.") % {"name": theme.name})
            return redirect("moderation:themes", council_slug=council_slug)
        form = ThemeForm(request.POST)
        if form.is_valid():
            try:
                theme = services.theme_add(council=request.council, name=form.cleaned_data["name"])
            except ValidationError as exc:
                _problem(form, exc)
            else:
                messages.success(request, _("“%(name)s” added to the learning themes.") % {"name": theme.name})
                return redirect("moderation:themes", council_slug=council_slug)
    return render(
        request,
        "moderation/themes.html",
        {"themes": list(LearningTheme.objects.filter(council=request.council)), "form": form},
        status=400 if form.errors else 200,
    )


def round_report(request: CouncilRequest, council_slug: str, round_pk: int) -> HttpResponse:
    moderation_round = _round(request, round_pk)
    record_access(
        council=request.council,
        by=request.user,
        action=AccessRecord.Action.VIEWED,
        kind=AccessRecord.Kind.REPORT,
        object_id=f"moderation-round/{moderation_round.pk}",
        label=f"Moderation report: {moderation_round.name}",
    )
    return render(request, "moderation/round_report.html", {**round_report_context(moderation_round), "pdf": False})


@require_POST
def round_report_pdf(request: CouncilRequest, council_slug: str, round_pk: int) -> HttpResponseBase:
    moderation_round = _round(request, round_pk)
    document = documents.document_request(
        council=request.council,
        kind=ROUND_REPORT,
        key=f"round-{moderation_round.pk}-{moderation_round.status}-{_last_change(moderation_round)}",
        title=f"Moderation report: {moderation_round.name}",
        params={"round_id": moderation_round.pk},
        by=request.user,
    )
    return redirect(
        "moderation:round_report_status",
        council_slug=council_slug,
        round_pk=moderation_round.pk,
        document_pk=document.pk,
    )


def _last_change(moderation_round: ModerationRound) -> str:
    latest = (
        Verdict.objects.filter(council=moderation_round.council, assignment__round=moderation_round)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )
    resolved = (
        StandardVerdict.objects.filter(council=moderation_round.council, verdict__assignment__round=moderation_round)
        .exclude(resolved_at=None)
        .order_by("-resolved_at")
        .values_list("resolved_at", flat=True)
        .first()
    )
    # The report is made again when a verdict or a final rating has changed since the last one.
    return "-".join(f"{at:%Y%m%d%H%M%S%f}" if at else "0" for at in (latest, resolved))


def _report_document(request: CouncilRequest, moderation_round: ModerationRound, document_pk: int) -> Document:
    document = Document.objects.filter(
        council=request.council, pk=document_pk, kind=ROUND_REPORT, params__round_id=moderation_round.pk
    ).first()
    if document is None:
        raise Http404("No such report of this round.")
    return document


def round_report_status(request: CouncilRequest, council_slug: str, round_pk: int, document_pk: int) -> HttpResponse:
    moderation_round = _round(request, round_pk)
    document = _report_document(request, moderation_round, document_pk)
    if request.method == "POST":
        document = documents.document_retry(document=document)
        return redirect(
            "moderation:round_report_status", council_slug=council_slug, round_pk=round_pk, document_pk=document.pk
        )
    return render(request, "moderation/round_report_wait.html", {"round": moderation_round, "document": document})


def round_report_download(
    request: CouncilRequest, council_slug: str, round_pk: int, document_pk: int
) -> HttpResponseBase:
    moderation_round = _round(request, round_pk)
    document = _report_document(request, moderation_round, document_pk)
    if document.status != Document.Status.DONE:
        return redirect(
            "moderation:round_report_status", council_slug=council_slug, round_pk=round_pk, document_pk=document.pk
        )
    record_report_download(council=request.council, by=request.user, document=document)
    return documents.pdf_download(document)
