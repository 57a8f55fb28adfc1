from django.urls import path

from openkap.quality import views

app_name = "quality"
urlpatterns = [
    path("", views.audit_view, name="audit"),
    path("audit.csv", views.audit_csv_view, name="audit_csv"),
    path("licences/", views.licences_view, name="licences"),
    path("licences/add/", views.licence_add_view, name="licence_add"),
    path("licences/<int:credential_id>/", views.licence_edit_view, name="licence_edit"),
    path("licences/<int:credential_id>/retire/", views.licence_retire_view, name="licence_retire"),
    path("drills/", views.drills_view, name="drills"),
    path("drills/add/", views.drill_add_view, name="drill_add"),
    path("drills/<int:drill_id>/", views.drill_edit_view, name="drill_edit"),
    path("rems/", views.rems_view, name="rems"),
]
