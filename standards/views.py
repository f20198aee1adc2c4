"""Catalogue pages: browse templates and versions, edit drafts, preview, publish, import and export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qaportal.confirm import confirm_page
from qaportal.http import CouncilRequest, or_404

from . import selectors, services
from .catalogue_io import CatalogueInvalid, export_catalogue, import_catalogue, parse_catalogue
from .forms import (
    CatalogueImportForm,
    CriterionForm,
    QuestionsForm,
    RatingsForm,
    ScaleForm,
    StandardForm,
    VersionSettingsForm,
)
from .models import SectionKind
from .permissions import can_edit_catalogue, can_view_catalogue


def _require_view(request: CouncilRequest) -> None:
    if not can_view_catalogue(request.user, request.council):
        raise PermissionDenied


def _require_edit(request: CouncilRequest) -> None:
    if not can_edit_catalogue(request.user, request.council):
        raise PermissionDenied(_("Only the quality team and the principal social worker can change the catalogue."))


def _to_version(version):
    return redirect("catalogue:version_detail", council_slug=version.council.slug, version_pk=version.pk)


def _version_url(version) -> str:
    return reverse("catalogue:version_detail", kwargs={"council_slug": version.council.slug, "version_pk": version.pk})


def index(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _require_view(request)
    council = request.council
    return render(
        request,
        "standards/index.html",
        {
            "rows": selectors.templates_overview(council=council),
            "frameworks": selectors.frameworks_in_council(council=council),
            "can_edit": can_edit_catalogue(request.user, council),
        },
    )


def template_detail(request: CouncilRequest, council_slug: str, template_pk: int) -> HttpResponse:
    _require_view(request)
    template = or_404(selectors.template_in_council(council=request.council, pk=template_pk))
    return render(
        request,
        "standards/template_detail.html",
        {
            "template": template,
            "versions": selectors.versions_of(template=template),
            "current": selectors.current_version(template=template),
            "can_edit": can_edit_catalogue(request.user, request.council),
        },
    )


@require_POST
def draft_start(request: CouncilRequest, council_slug: str, template_pk: int) -> HttpResponse:
    template = or_404(selectors.template_in_council(council=request.council, pk=template_pk))
    _require_edit(request)
    return _to_version(services.draft_start(template=template, by=request.user))


def version_detail(request: CouncilRequest, council_slug: str, version_pk: int) -> HttpResponse:
    _require_view(request)
    version = or_404(selectors.version_in_council(council=request.council, pk=version_pk))
    can_edit = can_edit_catalogue(request.user, request.council)
    return render(
        request,
        "standards/version_detail.html",
        {
            "version": version,
            "editable": version.is_draft and can_edit,
            "can_edit": can_edit,
            "problems": services.version_problems(version) if version.is_draft else [],
            "repeated": selectors.repeated_criteria(version),
        },
    )


def version_preview(request: CouncilRequest, council_slug: str, version_pk: int) -> HttpResponse:
    """The review form as a reviewer will see it, generated from this version."""
    _require_view(request)
    version = or_404(selectors.version_in_council(council=request.council, pk=version_pk))
    sections = list(version.sections.all())
    kinds = {s.kind for s in sections}
    return render(
        request,
        "standards/version_preview.html",
        {
            "version": version,
            "sections": sections,
            "ratings_form": RatingsForm(version=version, auto_id="preview_%s")
            if SectionKind.RATINGS in kinds
            else None,
            "questions_form": QuestionsForm(version=version, auto_id="preview_%s")
            if SectionKind.QUESTIONS in kinds
            else None,
        },
    )


def version_settings(request: CouncilRequest, council_slug: str, version_pk: int) -> HttpResponse:
    version = or_404(selectors.version_in_council(council=request.council, pk=version_pk))
    _require_edit(request)
    form = VersionSettingsForm(request.POST or None, version=version, initial=VersionSettingsForm.initial_from(version))
    if request.method == "POST" and form.is_valid():
        try:
            services.version_update_settings(version=version, **form.cleaned_settings())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Settings saved."))
            return _to_version(version)
    return render(request, "standards/version_settings.html", {"version": version, "form": form})


@require_POST
def version_publish(request: CouncilRequest, council_slug: str, version_pk: int) -> HttpResponse:
    version = or_404(selectors.version_in_council(council=request.council, pk=version_pk))
    _require_edit(request)
    try:
        services.version_publish(version=version, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Version %(n)s published. New reviews will use it.") % {"n": version.number})
    return _to_version(version)


@require_http_methods(["GET", "POST"])
def version_retire(request: CouncilRequest, council_slug: str, version_pk: int) -> HttpResponse:
    version = or_404(selectors.version_in_council(council=request.council, pk=version_pk))
    _require_edit(request)
    if request.method == "GET":
        return confirm_page(
            request,
            caption=str(version.template),
            heading=_("Retire version %(n)s?") % {"n": version.number},
            warning=_("No new review can start on it. Reviews already using it carry on."),
            button=_("Retire this version"),
            cancel_url=_version_url(version),
        )
    try:
        services.version_retire(version=version, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, _("Version %(n)s retired. Reviews already using it carry on.") % {"n": version.number}
        )
    return _to_version(version)


@require_http_methods(["GET", "POST"])
def version_discard(request: CouncilRequest, council_slug: str, version_pk: int) -> HttpResponse:
    version = or_404(selectors.version_in_council(council=request.council, pk=version_pk))
    _require_edit(request)
    template = version.template
    if request.method == "GET":
        return confirm_page(
            request,
            caption=str(template),
            heading=_("Discard draft version %(n)s?") % {"n": version.number},
            warning=_("Every change made in this draft is lost. This cannot be undone."),
            button=_("Discard the draft"),
            cancel_url=_version_url(version),
        )
    try:
        services.draft_discard(version=version)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return _to_version(version)
    messages.success(request, _("Draft discarded."))
    return redirect("catalogue:template_detail", council_slug=council_slug, template_pk=template.pk)


def standard_edit(
    request: CouncilRequest, council_slug: str, version_pk: int | None = None, standard_pk: int | None = None
) -> HttpResponse:
    standard = or_404(selectors.standard_in_council(council=request.council, pk=standard_pk)) if standard_pk else None
    version = (
        standard.version
        if standard
        else or_404(selectors.version_in_council(council=request.council, pk=version_pk or 0))
    )
    _require_edit(request)
    initial = (
        StandardForm.initial_from(standard)
        if standard
        else {
            "number": str(version.standards.count() + 1),
            "rated": bool(version.scale_id),
        }
    )
    form = StandardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.standard_save(version=version, standard=standard, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Standard saved."))
            return _to_version(version)
    return render(request, "standards/standard_form.html", {"version": version, "standard": standard, "form": form})


@require_POST
def standard_move(request: CouncilRequest, council_slug: str, standard_pk: int) -> HttpResponse:
    standard = or_404(selectors.standard_in_council(council=request.council, pk=standard_pk))
    _require_edit(request)
    _apply(request, lambda: services.standard_move(standard=standard, direction=request.POST.get("direction", "")))
    return _to_version(standard.version)


@require_http_methods(["GET", "POST"])
def standard_delete(request: CouncilRequest, council_slug: str, standard_pk: int) -> HttpResponse:
    standard = or_404(selectors.standard_in_council(council=request.council, pk=standard_pk))
    _require_edit(request)
    if request.method == "GET":
        return confirm_page(
            request,
            caption=str(standard.version.template),
            heading=_("Remove standard %(n)s?") % {"n": standard.number},
            warning=_("The standard and all its questions are removed from this draft."),
            button=_("Remove the standard"),
            cancel_url=_version_url(standard.version),
        )
    _apply(request, lambda: services.standard_delete(standard=standard), _("Standard removed."))
    return _to_version(standard.version)


def criterion_edit(
    request: CouncilRequest, council_slug: str, standard_pk: int | None = None, criterion_pk: int | None = None
) -> HttpResponse:
    criterion = (
        or_404(selectors.criterion_in_council(council=request.council, pk=criterion_pk)) if criterion_pk else None
    )
    standard = (
        criterion.standard
        if criterion
        else or_404(selectors.standard_in_council(council=request.council, pk=standard_pk or 0))
    )
    _require_edit(request)
    if criterion:
        initial = {f: getattr(criterion, f) for f in CriterionForm.base_fields}
    else:
        initial = {"number": f"{standard.number}.{standard.criteria.count() + 1}"}
    form = CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(standard=standard, criterion=criterion, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Question saved."))
            return _to_version(standard.version)
    return render(
        request,
        "standards/criterion_form.html",
        {
            "version": standard.version,
            "standard": standard,
            "criterion": criterion,
            "form": form,
        },
    )


@require_POST
def criterion_move(request: CouncilRequest, council_slug: str, criterion_pk: int) -> HttpResponse:
    criterion = or_404(selectors.criterion_in_council(council=request.council, pk=criterion_pk))
    _require_edit(request)
    _apply(request, lambda: services.criterion_move(criterion=criterion, direction=request.POST.get("direction", "")))
    return _to_version(criterion.standard.version)


@require_http_methods(["GET", "POST"])
def criterion_delete(request: CouncilRequest, council_slug: str, criterion_pk: int) -> HttpResponse:
    criterion = or_404(selectors.criterion_in_council(council=request.council, pk=criterion_pk))
    _require_edit(request)
    if request.method == "GET":
        return confirm_page(
            request,
            caption=str(criterion.standard.version.template),
            heading=_("Remove question %(n)s?") % {"n": criterion.number},
            warning=_("The question is removed from this draft."),
            button=_("Remove the question"),
            cancel_url=_version_url(criterion.standard.version),
        )
    _apply(request, lambda: services.criterion_delete(criterion=criterion), _("Question removed."))
    return _to_version(criterion.standard.version)


def _apply(request: CouncilRequest, action, success: str = "") -> None:
    try:
        action()
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        if success:
            messages.success(request, success)


def scale_list(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _require_view(request)
    form = None
    can_edit = can_edit_catalogue(request.user, request.council)
    if can_edit:
        form = ScaleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.scale_create(council=request.council, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Scale %(name)s added.") % {"name": form.cleaned_data["name"]})
                return redirect("catalogue:scale_list", council_slug=council_slug)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "standards/scale_list.html",
        {
            "scales": selectors.scales_in_council(council=request.council),
            "form": form,
            "can_edit": can_edit,
        },
    )


def catalogue_export(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _require_view(request)
    response = JsonResponse(
        export_catalogue(council=request.council), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="{council_slug}-catalogue.json"'
    return response


def catalogue_import(request: CouncilRequest, council_slug: str) -> HttpResponse:
    _require_edit(request)
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            data = parse_catalogue(form.cleaned_data["file"].read())
            report = import_catalogue(council=request.council, data=data, by=request.user)
        except CatalogueInvalid as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("Catalogue imported: %(p)d template(s) published, %(u)d unchanged.")
                % {"p": len(report.published), "u": len(report.unchanged)},
            )
            return redirect("catalogue:index", council_slug=council_slug)
    return render(request, "standards/import.html", {"form": form, "errors": errors})
