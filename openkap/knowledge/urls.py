from django.urls import path

from openkap.knowledge import views

app_name = "knowledge"
urlpatterns = [path("rules/", views.rules_view, name="rules")]
