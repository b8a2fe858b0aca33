from django.urls import path

from sanxiang.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("export.xlsx", views.export, name="export"),
    path("cases/", views.cases, name="cases"),
    path("interference/", views.interferences, name="interferences"),
    path("interference/new", views.interference_new, name="interference-new"),
]
