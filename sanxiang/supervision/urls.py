from django.urls import path

from sanxiang.supervision import views
from sanxiang.supervision.opinions import views as opinions

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("export.xlsx", views.export, name="export"),
    path("cases/", views.cases, name="cases"),
    path("interference/", views.interferences, name="interferences"),
    path("interference/new", views.interference_new, name="interference-new"),
    path("opinions/", opinions.opinions, name="opinions"),
    path("opinions/new", opinions.opinion_new, name="opinion-new"),
    path("opinions/<int:pk>/", opinions.opinion, name="opinion"),
    path("opinions/<int:pk>/answer", opinions.opinion_answer_view, name="opinion-answer"),
    path("opinions/<int:pk>/review", opinions.opinion_review_view, name="opinion-review"),
    path("opinions/<int:pk>/document.<str:form>", opinions.opinion_download, name="opinion-file"),
]
