from django.urls import path

from sanxiang.review import views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("figures/", views.figures, name="figures"),
    path("case/<int:case_id>/", views.case_entry, name="case"),
    path("case/<int:case_id>/submit", views.submit, name="submit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/opinion", views.opinion, name="opinion"),
    path("<int:pk>/answer", views.answer, name="answer"),
    path("<int:pk>/committee", views.committee, name="committee"),
    path("<int:pk>/documents/<str:kind>/<int:source_id>", views.document_new, name="document-new"),
    path("documents/<int:document_id>.<str:form>", views.document_download, name="document"),
]
