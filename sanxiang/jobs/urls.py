from django.urls import path

from sanxiang.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status", views.status, name="status"),
    path("<int:pk>/download", views.download, name="download"),
]
