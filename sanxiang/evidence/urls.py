from django.urls import path

from sanxiang.evidence import views

app_name = "evidence"

urlpatterns = [
    path("", views.evidence_list, name="list"),
    path("upload/", views.evidence_upload, name="upload"),
    path("uploads/", views.resumable_create, name="resumable-create"),
    path("uploads/<str:upload_id>", views.resumable_upload, name="resumable"),
    path("search/", views.case_search, name="case-search"),
    path("<int:pk>/", views.evidence_detail, name="detail"),
    path("<int:pk>/content", views.evidence_content, name="content"),
    path("<int:pk>/download", views.evidence_download, name="download"),
    path("<int:pk>/correct", views.evidence_correct_view, name="correct"),
    path("<int:pk>/hand-over", views.evidence_hand_over_view, name="hand-over"),
    path("cases/<str:case_number>/access/", views.case_access_history, name="case-access"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
]
