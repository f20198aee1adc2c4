from django.urls import path

from . import views

app_name = "access_log"

urlpatterns = [
    path("", views.access_log, name="index"),
]
