from django.urls import path

from openkap.billing import views

app_name = "billing"
urlpatterns = [
    path("prices/", views.prices_view, name="prices"),
    path("prices/new-item/", views.item_add_view, name="item_add"),
    path("payers/", views.payers_view, name="payers"),
    path("payers/<int:payer_id>/", views.payer_view, name="payer"),
    path("estimate/<uuid:public_id>/", views.estimate_view, name="estimate"),
    path("estimate/<uuid:public_id>/payer/", views.payer_choose_view, name="payer_choose"),
    # The patient portal's "My costs".
    path("mine/", views.mine_view, name="mine"),
]
