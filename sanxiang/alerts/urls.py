from django.urls import path

from sanxiang.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:pk>/<str:action>/", views.alert_act, name="act"),
]
