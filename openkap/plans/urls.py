from django.urls import path, register_converter

from openkap.plans import views
from openkap.plans.converters import FeedTokenConverter

register_converter(FeedTokenConverter, "feedtoken")

app_name = "plans"
urlpatterns = [
    path("schedule/", views.schedule_view, name="schedule"),
    path("feeds/", views.feeds_view, name="feeds"),
    path("ical/<feedtoken:token>.ics", views.ical_view, name="ical"),
    path("<uuid:public_id>/", views.patient_view, name="patient"),
    path("<uuid:public_id>/new/", views.plan_create_view, name="create"),
    path("<uuid:public_id>/activate/", views.plan_activate_view, name="activate"),
    path("<uuid:public_id>/stop/", views.plan_stop_view, name="stop"),
    path("<uuid:public_id>/move/", views.appointment_move_view, name="move"),
    path("<uuid:public_id>/cancel/", views.appointment_cancel_view, name="cancel"),
    path("<uuid:public_id>/outcome/", views.appointment_outcome_view, name="outcome"),
    path("<uuid:public_id>/assign/", views.appointment_assign_view, name="assign"),
    path("<uuid:public_id>/feed/", views.patient_feed_view, name="patient_feed"),
]
