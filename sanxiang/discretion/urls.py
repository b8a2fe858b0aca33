from django.urls import path

from sanxiang.discretion import views

app_name = "discretion"

urlpatterns = [
    path("", views.benchmark_list, name="list"),
    path("<int:pk>/", views.benchmark_detail, name="detail"),
    path("<int:pk>/publish", views.benchmark_publish, name="publish"),
]
