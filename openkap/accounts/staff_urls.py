from django.urls import path

from openkap.accounts import staff_views

app_name = "staff"
urlpatterns = [
    path("", staff_views.staff_list_view, name="list"),
    path("add/", staff_views.staff_add_view, name="add"),
    path("<int:user_id>/roles/", staff_views.staff_roles_view, name="roles"),
    path("<int:user_id>/deactivate/", staff_views.staff_deactivate_view, name="deactivate"),
    path("clinic/", staff_views.clinic_settings_view, name="clinic_settings"),
]
