from django.urls import path

from sanxiang.complaints import public_views

app_name = "complaints-public"

urlpatterns = [
    path("", public_views.complaint_form, name="form"),
    path("done/", public_views.complaint_done, name="done"),
    path("status/", public_views.complaint_status, name="status"),
]
