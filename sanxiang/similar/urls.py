from django.urls import path

from sanxiang.similar import views

app_name = "similar"

urlpatterns = [
    path("cases/<int:pk>/", views.case_similar, name="case"),
]
