from django.urls import path

from sanxiang.evaluation import public_views

app_name = "evaluation-public"

urlpatterns = [
    path("", public_views.results, name="results"),
    path("<int:pk>.json", public_views.draw_record, name="draw-record"),
]
