from django.urls import path

from .programme import views as programme_views
from .reviews import views

app_name = "audits"

urlpatterns = [
    path("reviews/", views.my_reviews, name="my_reviews"),
    path("reviews/allocate/", views.allocate, name="allocate"),
    path("reviews/start/", views.start_own, name="start_own"),
    path("reviews/<int:review_pk>/", views.review_overview, name="review"),
    path("reviews/<int:review_pk>/view/", views.review_view, name="review_view"),
    path("reviews/<int:review_pk>/pdf/", views.review_pdf, name="review_pdf"),
    path("reviews/<int:review_pk>/pdf/<int:document_pk>/", views.review_pdf_status, name="review_pdf_status"),
    path(
        "reviews/<int:review_pk>/pdf/<int:document_pk>/download/",
        views.review_pdf_download,
        name="review_pdf_download",
    ),
    path("reviews/<int:review_pk>/history/", views.review_history, name="review_history"),
    path("reviews/<int:review_pk>/check/", views.review_check, name="check"),
    path("reviews/<int:review_pk>/submit/", views.review_submit, name="submit"),
    path("reviews/<int:review_pk>/authorise/", views.authorise, name="authorise"),
    path("reviews/<int:review_pk>/manager-note/", views.manager_note, name="manager_note"),
    path("reviews/<int:review_pk>/delegate/", views.delegate, name="delegate"),
    path("reviews/<int:review_pk>/cancel/", views.cancel, name="cancel"),
    path("reviews/<int:review_pk>/sections/<slug:kind>/", views.section_edit, name="section"),
    path("reviews/<int:review_pk>/sections/<slug:kind>/autosave/", views.section_autosave, name="autosave"),
    path(
        "reviews/<int:review_pk>/escalations/<int:escalation_pk>/acknowledge/",
        views.escalation_acknowledge,
        name="escalation_acknowledge",
    ),
    path("reviews/<int:review_pk>/actions/<int:action_pk>/", views.qa_action_update, name="qa_action"),
    path("authorisations/", views.authorisation_queue, name="authorisation_queue"),
    path("programme/", programme_views.programme_page, name="programme"),
    path("programme/rules/<int:rule_pk>/", programme_views.rule_edit, name="rule_edit"),
    path("programme/rules/<int:rule_pk>/remove/", programme_views.rule_delete, name="rule_delete"),
    path("programme/<int:programme_pk>/rules/add/", programme_views.rule_add, name="rule_add"),
    path("programme/<int:programme_pk>/timetable/", programme_views.timetable_edit, name="timetable_edit"),
    path("programme/allocation/", programme_views.allocation, name="allocation"),
    path("programme/samples/upload/", programme_views.sample_upload, name="sample_upload"),
    path("programme/requests/<int:expected_pk>/", programme_views.request_start, name="request_start"),
    path("cases/", views.case_search, name="case_search"),
    path("cases/<int:case_pk>/", views.case_detail, name="case"),
]
