from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("teams/", views.team_list, name="team_list"),
    path("teams/add/", views.team_edit, name="team_add"),
    path("teams/<int:team_pk>/", views.team_edit, name="team_edit"),
    path("people/", views.person_list, name="person_list"),
    path("people/add/", views.person_add, name="person_add"),
    path("people/import/", views.staff_import, name="staff_import"),
    path("people/<int:person_pk>/", views.person_detail, name="person_detail"),
    path("people/supervision/", views.supervision, name="supervision"),
    path("people/<int:person_pk>/supervisor/", views.supervisor_edit, name="supervisor_edit"),
    path("people/<int:person_pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:person_pk>/roles/<int:membership_pk>/remove/", views.role_remove, name="role_remove"),
    path("invitations/<int:invitation_pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
]
