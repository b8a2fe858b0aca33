from django.urls import path

from sanxiang.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("lists/", views.listings, name="listings"),
    path("lists/<str:kind>/", views.listing, name="listing"),
    path("lists/<str:kind>/publish", views.listing_publish_view, name="listing-publish"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/confirm", views.confirm, name="confirm"),
    path("<int:pk>/correct", views.correct, name="correct"),
    path("<int:pk>/withdraw", views.withdraw, name="withdraw"),
    path("<int:pk>/exempt", views.exempt, name="exempt"),
    path("<int:pk>/credit", views.credit, name="credit"),
    path("push/<int:pk>/retry", views.delivery_retry, name="delivery-retry"),
]
