from django.urls import path

from sanxiang.complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/files/<int:attachment_id>", views.attachment, name="attachment"),
    path("<int:pk>/<str:step>", views.complaint_step, name="step"),
]
