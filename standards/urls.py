from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.catalogue_export, name="export"),
    path("import/", views.catalogue_import, name="import"),
    path("scales/", views.scale_list, name="scale_list"),
    path("templates/<int:template_pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:template_pk>/draft/", views.draft_start, name="draft_start"),
    path("versions/<int:version_pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:version_pk>/preview/", views.version_preview, name="version_preview"),
    path("versions/<int:version_pk>/settings/", views.version_settings, name="version_settings"),
    path("versions/<int:version_pk>/publish/", views.version_publish, name="version_publish"),
    path("versions/<int:version_pk>/retire/", views.version_retire, name="version_retire"),
    path("versions/<int:version_pk>/discard/", views.version_discard, name="version_discard"),
    path("versions/<int:version_pk>/standards/add/", views.standard_edit, name="standard_add"),
    path("standards/<int:standard_pk>/", views.standard_edit, name="standard_edit"),
    path("standards/<int:standard_pk>/move/", views.standard_move, name="standard_move"),
    path("standards/<int:standard_pk>/delete/", views.standard_delete, name="standard_delete"),
    path("standards/<int:standard_pk>/criteria/add/", views.criterion_edit, name="criterion_add"),
    path("criteria/<int:criterion_pk>/", views.criterion_edit, name="criterion_edit"),
    path("criteria/<int:criterion_pk>/move/", views.criterion_move, name="criterion_move"),
    path("criteria/<int:criterion_pk>/delete/", views.criterion_delete, name="criterion_delete"),
]
