from django.urls import path

from sanxiang.inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("new/", views.task_new, name="new"),
    path("targets/", views.targets_upload, name="targets"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/<str:step>", views.task_step, name="step"),
]
