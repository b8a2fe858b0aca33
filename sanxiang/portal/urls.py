from django.urls import path

from sanxiang.portal import ledger_views, party_views, views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("officers/", views.officers, name="officers"),
    path("officers/check/", views.certificate_check, name="certificate-check"),
    path("procedures/", views.procedures, name="procedures"),
    path("procedures/<str:code>.svg", views.procedure_svg, name="procedure-svg"),
    path("review-catalogue/", views.review_catalogue, name="review-catalogue"),
    path("recording-list/", views.recording_list, name="recording-list"),
    path("discretion/", views.discretion, name="discretion"),
    path("discretion/<int:agency_id>/", views.discretion_agency, name="discretion-agency"),
    path("lists/<str:kind>/", views.lists, name="lists"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:pk>/", views.decision, name="decision"),
    path("draws/", views.draws, name="draws"),
    path("draws/<int:pk>/", views.draw, name="draw"),
    path("draws/<int:pk>.json", views.draw_json, name="draw-json"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("documents/<str:code>/", views.document_verify, name="document-verify"),
    path("query/", party_views.party_query, name="party-query"),
    path("query/case/", party_views.party_case, name="party-case"),
    path(
        "query/documents/<int:document_id>.pdf",
        party_views.party_document,
        name="party-document",
    ),
    path("query/end/", party_views.party_query_end, name="party-query-end"),
    path("ledger/", ledger_views.ledger_index, name="ledger"),
    path("ledger/checkpoint", ledger_views.ledger_checkpoint, name="ledger-checkpoint"),
    path("ledger/checkpoints", ledger_views.ledger_checkpoints, name="ledger-checkpoints"),
    path("ledger/proof", ledger_views.ledger_proof, name="ledger-proof"),
    path("ledger/consistency", ledger_views.ledger_consistency, name="ledger-consistency"),
    path("ledger/witness", ledger_views.ledger_witness, name="ledger-witness"),
]
