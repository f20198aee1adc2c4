from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("new/", views.round_new, name="round_new"),
    path("rounds/<int:round_pk>/", views.round_detail, name="round"),
    path("rounds/<int:round_pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:round_pk>/extend/", views.round_extend, name="round_extend"),
    path("rounds/<int:round_pk>/cancel/", views.round_cancel, name="round_cancel"),
    path("rounds/<int:round_pk>/report/", views.round_report, name="round_report"),
    path("rounds/<int:round_pk>/report/pdf/", views.round_report_pdf, name="round_report_pdf"),
    path(
        "rounds/<int:round_pk>/report/pdf/<int:document_pk>/",
        views.round_report_status,
        name="round_report_status",
    ),
    path(
        "rounds/<int:round_pk>/report/pdf/<int:document_pk>/download/",
        views.round_report_download,
        name="round_report_download",
    ),
    path("assignments/<int:assignment_pk>/reassign/", views.reassign, name="reassign"),
    path("assignments/<int:assignment_pk>/", views.verdict, name="verdict"),
    path("assignments/<int:assignment_pk>/autosave/", views.verdict_autosave, name="verdict_autosave"),
    path("verdicts/<int:verdict_pk>/", views.outcome, name="outcome"),
    path("disagreements/", views.disagreements, name="disagreements"),
    path("agreement/", views.agreement_page, name="agreement"),
    path("themes/", views.themes, name="themes"),
]
