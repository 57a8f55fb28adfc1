from django.urls import path

from openkap.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.mfa_verify_view, name="mfa_verify"),
    path("login/enrol/", views.mfa_setup_view, name="mfa_setup"),
    path("logout/", views.logout_view, name="logout"),
    path("session/status/", views.session_status_view, name="session_status"),
    path("session/heartbeat/", views.session_heartbeat_view, name="session_heartbeat"),
    path("session/reauth/", views.reauth_view, name="reauth"),
    path("clinic/", views.clinic_switch_view, name="clinic_switch"),
]
