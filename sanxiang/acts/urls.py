from django.urls import path

from sanxiang.acts import views

app_name = "acts"

urlpatterns = [
    path("", views.permit_list, name="list"),
    path("new/", views.permit_new, name="new"),
    path("import/", views.permit_import, name="import"),
    path("<int:pk>/", views.permit_detail, name="permit"),
]
