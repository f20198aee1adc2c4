from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from . import session_views, views

# The Django admin is for platform superusers only, and its sign-in goes through allauth
# so that rate limits and two-factor authentication apply.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # allauth's documented way
admin.site.site_header = "QA Portal platform administration"

council_patterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("admin/", include("qaportal.people_urls")),
    path("catalogue/", include("standards.urls")),
    path("", include("audits.urls")),
    path("", include("feedback.urls")),
    path("moderation/", include("moderation.urls")),
    path("reports/", include("reporting.urls")),
    path("access-log/", include("qaportal.access_log.urls")),
]

urlpatterns = [
    path("", views.root, name="root"),
    path("accounts/invitations/", views.invitations, name="invitations"),
    path(
        "accounts/invitations/<str:token>/accept/",
        views.invitation_answer,
        {"answer": "accept"},
        name="invitation_accept",
    ),
    path(
        "accounts/invitations/<str:token>/decline/",
        views.invitation_answer,
        {"answer": "decline"},
        name="invitation_decline",
    ),
    path("accounts/session/", session_views.session_extend, name="session_extend"),
    path("accounts/session/end/", session_views.session_end, name="session_end"),
    path("accounts/signed-out/", session_views.session_signed_out, name="session_signed_out"),
    path("accounts/", include("allauth.urls")),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("healthz/", views.healthcheck, name="healthcheck"),
    path("platform-admin/", admin.site.urls),
    # By dotted path, not import: the project's URLconf names the apps, it does not depend on them.
    path("", include("feedback.short_urls", namespace="feedback_short")),
    path("<slug:council_slug>/", include(council_patterns)),
]

handler500 = "qaportal.views.server_error"
