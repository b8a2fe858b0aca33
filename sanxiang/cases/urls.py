from django.urls import path

from sanxiang.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.my_cases, name="mine"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/act", views.case_act, name="act"),
    path("<int:pk>/handlers", views.case_handlers, name="handlers"),
    path("<int:pk>/assess", views.case_assess_view, name="assess"),
    path("<int:pk>/extend", views.case_extend, name="extend"),
    path("<int:pk>/basis", views.case_basis, name="basis"),
    path("<int:pk>/payments", views.payment_new, name="payment-new"),
    path("<int:pk>/schedule", views.schedule_new, name="schedule-new"),
    path("<int:pk>/remedies", views.remedy_new, name="remedy-new"),
    path("<int:pk>/remedies/<int:remedy_id>", views.remedy_step_new, name="remedy-step-new"),
    path("<int:pk>/execution", views.execution_step_new, name="execution-step-new"),
    path("<int:pk>/court", views.court_apply, name="court-apply"),
    path("<int:pk>/documents/<str:kind>", views.document_new, name="document-new"),
    path("documents/<int:document_id>.<str:form>", views.document_download, name="document"),
]
