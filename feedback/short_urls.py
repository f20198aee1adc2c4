"""Short links for sharing and QR codes: /f/<council>/ and /f/<council>/<token>/."""

from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("f/<slug:council_slug>/", views.short_link, name="short"),
    path("f/<slug:council_slug>/<str:token>/", views.short_link, name="short_token"),
]
