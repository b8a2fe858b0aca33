from django.urls import path

from sanxiang.cases import no_penalty_views, onsite, party_sign, views

app_name = "cases"

urlpatterns = [
    path("", views.my_cases, name="mine"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/act", views.case_act, name="act"),
    path("<int:pk>/access/", views.case_access_history, name="access"),
    path("<int:pk>/handlers", views.case_handlers, name="handlers"),
    path("<int:pk>/assess", views.case_assess_view, name="assess"),
    path("<int:pk>/extend", views.case_extend, name="extend"),
    path("<int:pk>/basis", views.case_basis, name="basis"),
    path("<int:pk>/violation", views.case_violation, name="violation"),
    path("<int:pk>/circumstances", views.case_circumstances, name="circumstances"),
    # 不予处罚 (行政处罚法第三十三条): the proposal and the party's education.
    path("<int:pk>/no-penalty", no_penalty_views.no_penalty_propose_view, name="no-penalty"),
    path(
        "<int:pk>/no-penalty/withdraw",
        no_penalty_views.no_penalty_withdraw_view,
        name="no-penalty-withdraw",
    ),
    path("<int:pk>/education", no_penalty_views.education_view, name="education"),
    path("<int:pk>/party-code", views.case_party_code, name="party-code"),
    path("<int:pk>/payments", views.payment_new, name="payment-new"),
    path("<int:pk>/schedule", views.schedule_new, name="schedule-new"),
    path("<int:pk>/remedies", views.remedy_new, name="remedy-new"),
    path("<int:pk>/remedies/<int:remedy_id>", views.remedy_step_new, name="remedy-step-new"),
    path("<int:pk>/execution", views.execution_step_new, name="execution-step-new"),
    path("<int:pk>/court", views.court_apply, name="court-apply"),
    path("<int:pk>/documents/<str:kind>", views.document_new, name="document-new"),
    path("documents/<int:document_id>.<str:form>", views.document_download, name="document"),
    # 当事人签名 on the officer's phone (party_sign.py).
    path("<int:pk>/documents/<int:document_id>/sign", party_sign.party_sign, name="party-sign"),
    path(
        "<int:pk>/documents/<int:document_id>/refusal",
        party_sign.party_refusal,
        name="party-refusal",
    ),
    path(
        "party-signatures/<int:signature_id>.png",
        party_sign.party_signature_image,
        name="party-signature-image",
    ),
    # 现场执法 on a phone (onsite.py).
    path("onsite/", onsite.onsite_start, name="onsite"),
    path("onsite/party", onsite.onsite_party, name="onsite-party"),
    path("onsite/<int:pk>/photos", onsite.onsite_photos, name="onsite-photos"),
    path("onsite/<int:pk>/penalty", onsite.onsite_penalty, name="onsite-penalty"),
    path("onsite/<int:pk>/violation", onsite.onsite_violation, name="onsite-violation"),
    path("onsite/<int:pk>/confirm", onsite.onsite_confirm, name="onsite-confirm"),
    path("onsite/<int:pk>/convert", onsite.onsite_convert, name="onsite-convert"),
    path("onsite/<int:pk>/record", onsite.onsite_record, name="onsite-record"),
    path("onsite/<int:pk>/done", onsite.onsite_done, name="onsite-done"),
    path("onsite/<int:pk>/document", onsite.onsite_document, name="onsite-document"),
    path("onsite/<int:pk>/result", onsite.onsite_result, name="onsite-result"),
]
