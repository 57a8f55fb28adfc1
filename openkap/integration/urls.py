from django.urls import path

from openkap.integration import views

app_name = "integration"
urlpatterns = [
    path("<uuid:public_id>/", views.patient_view, name="patient"),
    path("<uuid:public_id>/note/", views.note_new_view, name="note_new"),
    path("notes/<uuid:note_id>/", views.note_view, name="note"),
    path("notes/<uuid:note_id>/edit/", views.note_edit_view, name="note_edit"),
    path("notes/<uuid:note_id>/sign/", views.note_sign_view, name="note_sign"),
    path("notes/<uuid:note_id>/addendum/", views.note_addendum_view, name="note_addendum"),
    path("psychotherapy/", views.psychotherapy_list_view, name="psychotherapy_list"),
    path("<uuid:public_id>/psychotherapy/", views.psychotherapy_new_view, name="psychotherapy_new"),
    path(
        "psychotherapy/<uuid:note_id>/",
        views.psychotherapy_note_view,
        name="psychotherapy_note",
    ),
    path(
        "psychotherapy/<uuid:note_id>/share/",
        views.psychotherapy_share_view,
        name="psychotherapy_share",
    ),
    path(
        "psychotherapy/<uuid:note_id>/unshare/",
        views.psychotherapy_unshare_view,
        name="psychotherapy_unshare",
    ),
]
