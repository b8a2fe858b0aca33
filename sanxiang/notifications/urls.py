from django.urls import path

from sanxiang.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all", views.mark_all_read, name="read-all"),
    path("<int:pk>/", views.open_case, name="open"),
    path("<int:pk>/read", views.mark_read, name="read"),
]
