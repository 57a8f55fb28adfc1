from django.urls import path

from openkap.inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.ledger_view, name="ledger"),
    path("receipt/", views.receipt_view, name="receipt"),
    path("administration/", views.administration_view, name="administration"),
    path("waste/", views.waste_view, name="waste"),
    path("transfer/", views.transfer_view, name="transfer"),
    path("loss/", views.loss_view, name="loss"),
    path("count/", views.count_view, name="count"),
    path("correction/", views.correction_view, name="correction"),
    path("products/", views.products_view, name="products"),
    path("registration/", views.registration_view, name="registration"),
    path("reports/inventory/", views.inventory_view, name="inventory_report"),
    path("reports/inspection/", views.inspection_view, name="inspection_report"),
    path("reports/reconciliation/", views.reconciliation_view, name="reconciliation"),
]
