from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("compliance/", views.compliance, name="compliance"),
    path("cqc/", views.cqc, name="cqc"),
    path("cqc/standards/<int:standard_pk>/", views.cqc_standard, name="cqc_standard"),
]
