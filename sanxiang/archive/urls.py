from django.urls import path

from sanxiang.archive import views

app_name = "archive"

urlpatterns = [
    path("<int:case_id>/package.zip", views.package_download, name="package"),
]
