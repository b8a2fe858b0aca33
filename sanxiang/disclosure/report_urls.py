from django.urls import path

from sanxiang.disclosure import report_views

app_name = "report"

urlpatterns = [
    path("annual/", report_views.annual_latest, name="annual-latest"),
    path("annual/<int:year>/", report_views.annual, name="annual"),
    path("annual/<int:year>/file", report_views.annual_file, name="annual-file"),
    path("annual/<int:year>/publish", report_views.annual_publish, name="annual-publish"),
]
