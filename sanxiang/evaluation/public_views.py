"""评查结果 on the portal (/gongshi/pingcha/): the published campaigns' aggregate scores per
agency, nothing about a person. Mounted before the portal's URLs, in the portal's look."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from sanxiang.evaluation import selectors


def results(request: HttpRequest) -> HttpResponse:
    rows = [
        (
            campaign,
            selectors.campaign_agency_scores(campaign),
            selectors.public_draw_record(campaign),
        )
        for campaign in selectors.published_campaigns()[:20]
    ]
    return render(request, "evaluation/public_results.html", {"rows": rows})


def draw_record(request: HttpRequest, pk: int) -> JsonResponse:
    """The published campaign's draw record as JSON (``selectors.public_draw_record``)."""
    campaign = selectors.published_campaign(pk)
    if campaign is None:
        raise Http404("未找到已公开的评查活动。")
    return JsonResponse(
        selectors.public_draw_record(campaign), json_dumps_params={"ensure_ascii": False}
    )
