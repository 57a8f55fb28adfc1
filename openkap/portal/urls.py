from django.urls import path, register_converter

from openkap.portal import questionnaire_views, views
from openkap.portal.converters import InvitationTokenConverter, TopicConverter

register_converter(TopicConverter, "topic")
register_converter(InvitationTokenConverter, "invitation_token")

app_name = "portal"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("appointments/", views.appointments_view, name="appointments"),
    path("questionnaires/", questionnaire_views.questionnaires_view, name="questionnaires"),
    path(
        "questionnaires/<int:assignment_id>/",
        questionnaire_views.questionnaire_view,
        name="questionnaire",
    ),
    path(
        "questionnaires/<int:assignment_id>/done/",
        questionnaire_views.questionnaire_done_view,
        name="questionnaire_done",
    ),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("session/status/", views.session_status_view, name="session_status"),
    path("session/heartbeat/", views.heartbeat_view, name="heartbeat"),
    path("session/reauth/", views.reauth_view, name="reauth"),
    path("welcome/<invitation_token:token>/", views.welcome_view, name="welcome"),
    path("welcome/", views.accept_view, name="accept"),
    path("learn/", views.learn_index_view, name="learn"),
    path("learn/<topic:topic>/", views.learn_topic_view, name="learn_topic"),
    path("prescreen/", views.prescreen_view, name="prescreen"),
    path("prescreen/next-step/", views.prescreen_result_view, name="prescreen_result"),
    # Staff pages.
    path("invite/<uuid:public_id>/", views.invitation_create_view, name="invite"),
    path("leads/", views.leads_view, name="leads"),
    path("leads/<uuid:lead_id>/", views.lead_view, name="lead"),
]
