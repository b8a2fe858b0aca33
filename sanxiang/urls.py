"""URL map: the staff office under /office/, the public portal under /gongshi/, its data as
JSON under /api/v1/."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from sanxiang.api import urls as api_urls

# Error pages in Chinese, in the office's or the portal's look (sanxiang/core/error_pages.py).
handler400 = "sanxiang.core.error_pages.handler400"
handler403 = "sanxiang.core.error_pages.handler403"
handler404 = "sanxiang.core.error_pages.handler404"
handler500 = "sanxiang.core.error_pages.handler500"

admin.site.site_header = "三项制度执法平台 · 管理后台"
admin.site.site_title = "三项制度执法平台"
admin.site.index_title = "基础数据管理"

urlpatterns = [
    path("", RedirectView.as_view(url="/gongshi/", permanent=False)),
    path("office/admin/", admin.site.urls),
    path("office/evidence/", include("sanxiang.evidence.urls")),
    path("office/cases/", include("sanxiang.cases.urls")),
    path("office/review/", include("sanxiang.review.urls")),
    path("office/archive/", include("sanxiang.archive.urls")),
    path("office/disclosure/", include("sanxiang.disclosure.urls")),
    path("office/report/", include("sanxiang.disclosure.report_urls")),
    path("office/jobs/", include("sanxiang.jobs.urls")),
    path("office/notifications/", include("sanxiang.notifications.urls")),
    path("office/inspections/", include("sanxiang.inspections.urls")),
    path("office/alerts/", include("sanxiang.alerts.urls")),
    path("office/discretion/", include("sanxiang.discretion.urls")),
    path("office/complaints/", include("sanxiang.complaints.urls")),
    path("office/similar/", include("sanxiang.similar.urls")),
    path("office/supervision/", include("sanxiang.supervision.urls")),
    path("office/permits/", include("sanxiang.acts.urls")),
    path("office/evaluation/", include("sanxiang.evaluation.urls")),
    path("office/", include("sanxiang.office.urls")),
    path("gongshi/complaints/", include("sanxiang.complaints.public_urls")),
    path("gongshi/pingcha/", include("sanxiang.evaluation.public_urls")),
    path("gongshi/", include("sanxiang.portal.urls")),
    path("api/v1/", api_urls.urls),
]
