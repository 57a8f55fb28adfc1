from django.urls import path

from openkap.billing import account_views, views

app_name = "billing"
urlpatterns = [
    path("prices/", views.prices_view, name="prices"),
    path("prices/new-item/", views.item_add_view, name="item_add"),
    path("payers/", views.payers_view, name="payers"),
    path("payers/<int:payer_id>/", views.payer_view, name="payer"),
    path("estimate/<uuid:public_id>/", views.estimate_view, name="estimate"),
    path("estimate/<uuid:public_id>/payer/", views.payer_choose_view, name="payer_choose"),
    # A patient's charges, payments and balance; the superbill and HSA/FSA receipt PDFs.
    path("account/<uuid:public_id>/", account_views.account_view, name="account"),
    path("account/<uuid:public_id>/superbill/", account_views.superbill_view, name="superbill"),
    path("account/<uuid:public_id>/receipt/", account_views.receipt_view, name="receipt"),
    # The patient portal's "My costs".
    path("mine/", views.mine_view, name="mine"),
]
