from django.urls import path

from sanxiang.supervision import reporting_views, scorecard_views, views
from sanxiang.supervision.opinions import views as opinions

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("export.xlsx", views.export, name="export"),
    path("cases/", views.cases, name="cases"),
    path("alerts/", views.alerts, name="alerts"),
    path("complaints/", views.complaints, name="complaints"),
    path("interference/", views.interferences, name="interferences"),
    path("interference/new", views.interference_new, name="interference-new"),
    path("scorecard/", scorecard_views.index, name="scorecard-index"),
    path("scorecard/export.xlsx", scorecard_views.compare_export, name="scorecard-compare-export"),
    path("scorecard/<int:agency_id>/", scorecard_views.scorecard, name="scorecard"),
    path(
        "scorecard/<int:agency_id>/export.xlsx",
        scorecard_views.scorecard_export,
        name="scorecard-export",
    ),
    path(
        "scorecard/<int:agency_id>/export.pdf",
        scorecard_views.scorecard_pdf,
        name="scorecard-pdf",
    ),
    path(
        "scorecard/<int:agency_id>/<int:number>/",
        scorecard_views.item,
        name="scorecard-item",
    ),
    path(
        "scorecard/<int:agency_id>/<int:number>/attachment/<int:score_id>",
        scorecard_views.score_attachment,
        name="scorecard-attachment",
    ),
    path("reporting/", reporting_views.reporting, name="reporting"),
    path("reporting/submit", reporting_views.reporting_submit, name="reporting-submit"),
    path("reporting/<int:pk>/", reporting_views.submission, name="submission"),
    path("reporting/<int:pk>/handle", reporting_views.submission_handle, name="submission-handle"),
    path(
        "scorecard/<int:agency_id>/<int:number>/attest",
        scorecard_views.attest,
        name="scorecard-attest",
    ),
    path(
        "scorecard/<int:agency_id>/<int:number>/attest/<int:attestation_id>/review",
        scorecard_views.attest_review,
        name="scorecard-attest-review",
    ),
    path(
        "scorecard/<int:agency_id>/<int:number>/attest/<int:attestation_id>/document",
        scorecard_views.attest_document,
        name="scorecard-attest-document",
    ),
    path(
        "scorecard/<int:agency_id>/<int:number>/applicability",
        scorecard_views.applicability,
        name="scorecard-applicability",
    ),
    path("opinions/", opinions.opinions, name="opinions"),
    path("opinions/new", opinions.opinion_new, name="opinion-new"),
    path("opinions/<int:pk>/", opinions.opinion, name="opinion"),
    path("opinions/<int:pk>/answer", opinions.opinion_answer_view, name="opinion-answer"),
    path("opinions/<int:pk>/review", opinions.opinion_review_view, name="opinion-review"),
    path("opinions/<int:pk>/document.<str:form>", opinions.opinion_download, name="opinion-file"),
    path(
        "opinions/<int:pk>/files/<int:attachment_id>",
        opinions.opinion_attachment,
        name="opinion-attachment",
    ),
]
