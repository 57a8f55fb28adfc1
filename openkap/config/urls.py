from django.urls import include, path

urlpatterns = [
    path("", include("openkap.web.urls")),
    path("accounts/", include("openkap.accounts.urls")),
    path("patients/", include("openkap.patients.urls")),
    path("audit/", include("openkap.audit.urls")),
    path("staff/", include("openkap.accounts.staff_urls")),
    path("screening/", include("openkap.screening.urls")),
    path("plans/", include("openkap.plans.urls")),
    path("knowledge/", include("openkap.knowledge.urls")),
    path("consent/", include("openkap.consent.urls")),
    path("portal/", include("openkap.portal.urls")),
    path("inventory/", include("openkap.inventory.urls")),
    path("dosing/", include("openkap.dosing.urls")),
    path("rems/", include("openkap.rems.urls")),
    path("reports/", include("openkap.reports.urls")),
    path("integration/", include("openkap.integration.urls")),
    path("outcomes/", include("openkap.outcomes.urls")),
    path("safety/", include("openkap.safety.urls")),
    path("pharmacology/", include("openkap.pharmacology.urls")),
    path("billing/", include("openkap.billing.urls")),
    path("quality/", include("openkap.quality.urls")),
    path("athome/", include("openkap.athome.urls")),
]

handler403 = "openkap.web.views.permission_denied"
handler404 = "openkap.web.views.page_not_found"
