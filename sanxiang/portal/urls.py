from django.urls import path

from sanxiang.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("officers/", views.officers, name="officers"),
    path("officers/check/", views.certificate_check, name="certificate-check"),
]
