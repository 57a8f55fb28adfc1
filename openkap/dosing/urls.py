from django.urls import path

from openkap.dosing import chart_views, views

app_name = "dosing"
urlpatterns = [
    path("today/", views.today_view, name="today"),
    path("<uuid:public_id>/gate/", views.gate_view, name="gate"),
    path("<uuid:public_id>/override/", views.override_view, name="override"),
    path("<uuid:public_id>/session/", chart_views.session_view, name="session"),
    path("<uuid:public_id>/session/live/", chart_views.live_view, name="live"),
    path("<uuid:public_id>/session/dose/", chart_views.dose_view, name="dose"),
    path(
        "<uuid:public_id>/session/dose/preview/", chart_views.dose_preview_view, name="dose_preview"
    ),
    path("<uuid:public_id>/session/start/", chart_views.start_view, name="start"),
    path("<uuid:public_id>/session/entry/", chart_views.entry_view, name="entry"),
    path("<uuid:public_id>/session/discharge/", chart_views.discharge_view, name="discharge"),
    path("<uuid:public_id>/session/sign/", chart_views.sign_view, name="sign"),
    path("<uuid:public_id>/session/addendum/", chart_views.addendum_view, name="addendum"),
    path("<uuid:public_id>/session/aftercare/", chart_views.aftercare_view, name="aftercare"),
]
