from django.contrib.auth import views as auth_views
from django.urls import path

from sanxiang.office import training_views, views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("desk/count", views.desk_count, name="desk-count"),
    path("login/", views.OfficeLoginView.as_view(), name="login"),
    path("password/", views.password, name="password"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signing-key/", views.signing_key, name="signing-key"),
    path("training/", training_views.training, name="training"),
]
