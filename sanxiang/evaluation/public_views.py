"""评查结果 on the portal (/gongshi/pingcha/): the published campaigns' aggregate scores per
agency, nothing about a person. Mounted before the portal's URLs, in the portal's look."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sanxiang.evaluation import selectors


def results(request: HttpRequest) -> HttpResponse:
    rows = [
        (campaign, selectors.campaign_agency_scores(campaign))
        for campaign in selectors.published_campaigns()[:20]
    ]
    return render(request, "evaluation/public_results.html", {"rows": rows})
