from django.urls import path

from sanxiang.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("new", views.campaign_new, name="new"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/<slug:step>", views.campaign_step, name="step"),
    path("cases/<int:pk>/", views.assignment_detail, name="assignment"),
    path("findings/files/<int:attachment_id>", views.finding_file, name="finding-file"),
    path("findings/", views.findings, name="findings"),
    path("findings/<int:pk>/answer", views.finding_answer, name="answer"),
]
