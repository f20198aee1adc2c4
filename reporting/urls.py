from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.reports_index, name="reports"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("compliance/", views.compliance, name="compliance"),
    path("cqc/", views.cqc, name="cqc"),
    path("cqc/standards/<int:standard_pk>/", views.cqc_standard, name="cqc_standard"),
    path("write/<slug:report>/", views.report_edit, name="report_edit"),
    path("read/<slug:report>/<str:start>/", views.report_page, name="report_page"),
    path("runs/<int:document_pk>/", views.run_status, name="run"),
    path("runs/<int:document_pk>/download/", views.run_download, name="run_download"),
]
