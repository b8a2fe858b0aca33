"""The real URL map plus two views that fail, one in the office and one on the portal, so the
500 page can be seen through Django's own handling (handlers are read from ROOT_URLCONF)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from sanxiang.urls import (  # noqa: F401  (Django reads the handlers from this module)
    handler400,
    handler403,
    handler404,
    handler500,
)
from sanxiang.urls import (
    urlpatterns as site_urlpatterns,
)


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("simulated failure")


urlpatterns = [
    path("office/boom/", boom),
    path("gongshi/boom/", boom),
    *site_urlpatterns,
]
