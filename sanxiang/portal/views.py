"""The public portal (/gongshi/): no log-in, reads only public selectors."""

from datetime import date
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from sanxiang.cases.public import document_verification_public, recording_lists_public
from sanxiang.cases.workflow.definitions import PROCEDURES
from sanxiang.cases.workflow.flowchart import describe, main_line, render_svg
from sanxiang.core.beijing import beijing_text
from sanxiang.core.identifiers import case_number_brackets
from sanxiang.core.params import id_param, page_param
from sanxiang.disclosure.public import (
    annual_report_context_public,
    annual_report_public,
    annual_reports_public,
    kinds_public,
    leaf_content_sha256,
    listing_kinds_public,
    listings_public,
    publication_public,
    publications_public,
)
from sanxiang.discretion.selectors import benchmark_public, benchmarks_public
from sanxiang.inspections.selectors import draw_public, draw_record, drawn_results, draws_public
from sanxiang.org.selectors import agency_list_public, certificate_check_public, officer_list_public
from sanxiang.review.public import catalogues_public
from sanxiang.supervision.opinions.public import opinion_verification_public

OFFICERS_PER_PAGE = 50


def index(request):
    """执法公示 home: the agencies and what can be checked here."""
    return render(request, "portal/index.html", {"agencies": agency_list_public()})


def officers(request):
    """行政执法人员清单 (事中公示), optionally for one agency, paginated."""
    agencies = list(agency_list_public())
    agency_id = id_param(request.GET, "agency", label="执法主体")
    selected = next((a for a in agencies if a.pk == agency_id), None)
    page = Paginator(
        officer_list_public(agency_id=selected.pk if selected else None), OFFICERS_PER_PAGE
    ).get_page(page_param(request.GET))
    today = timezone.localdate()
    rows = []
    for officer in page.object_list:
        certificate = officer.public_certificates[0]
        rows.append(
            {"officer": officer, "certificate": certificate, "status": certificate.status_on(today)}
        )
    return render(
        request,
        "portal/officers.html",
        {"agencies": agencies, "selected": selected, "page": page, "rows": rows, "today": today},
    )


def certificate_check(request):
    """Is this 执法证 valid today? Anyone may ask (行政处罚法第五十五条: officers show it)."""
    raw = request.GET.get("number", "")
    result = (
        certificate_check_public(raw_number=raw, on=timezone.localdate()) if raw.strip() else None
    )
    return render(request, "portal/certificate_check.html", {"result": result, "query": raw[:64]})


def procedures(request):
    """执法流程图 (事前公开): each procedure with its steps, legal bases and time limits."""
    charts = []
    for definition in PROCEDURES.values():
        steps = [
            {
                "state": definition.states[state],
                "actions": [describe(t) for t in definition.transitions if state in t.source],
            }
            for state in main_line(definition)
        ]
        charts.append({"definition": definition, "steps": steps})
    return render(request, "portal/procedures.html", {"charts": charts})


def review_catalogue(request):
    """重大执法决定法制审核目录清单 (事前公开), as each agency's administrator maintains it."""
    return render(request, "portal/review_catalogue.html", {"catalogues": catalogues_public()})


def recording_list(request):
    """行政执法音像记录事项清单 (事前公开): what each agency records on audio or video."""
    return render(request, "portal/recording_list.html", {"lists": recording_lists_public()})


def discretion(request):
    """行政处罚裁量基准 (事前公开, 行政处罚法第三十四条): each agency's version in force today."""
    return render(request, "portal/discretion.html", {"benchmarks": benchmarks_public()})


def discretion_agency(request, agency_id):
    """One agency's 裁量基准 in force today: its 违法行为, tiers and 情节."""
    content = benchmark_public(agency_id)
    if content is None:
        raise Http404("该执法主体没有现行有效的行政处罚裁量基准。")
    return render(request, "portal/discretion_agency.html", {"content": content})


def draws(request):
    """双随机抽查: every task whose lists are frozen, newest first, paginated."""
    page = Paginator(draws_public(), 20).get_page(page_param(request.GET))
    return render(request, "portal/draws.html", {"page": page})


def _draw_or_404(pk: int):
    task = draw_public(pk)
    if task is None:
        raise Http404("没有这次抽查，或其名单尚未冻结公开。")
    return task


def draw(request, pk):
    """One draw's public record, with a button that recomputes it in the reader's browser."""
    task = _draw_or_404(pk)
    record = draw_record(task)
    results = {row.public_id: result for row, result in drawn_results(task)}
    labels, names = record["candidate_labels"], record["inspector_labels"]
    rows = [
        {
            "target": target,
            "label": labels.get(target, ""),
            "team": [(number, names.get(number, "")) for number in record["teams"][target]],
            "result": results.get(target, ""),
        }
        for target in record["targets"]
    ]
    return render(
        request,
        "portal/draw.html",
        {"task": task, "record": record, "rows": rows, "beacons": record["beacon_sources"]},
    )


def draw_json(request, pk):
    """The same record as JSON, for anyone's own verifier (docs/operations/inspections.md)."""
    record = draw_record(_draw_or_404(pk))
    return JsonResponse(record, json_dumps_params={"ensure_ascii": False, "indent": 1})


def procedure_svg(request, code):
    definition = PROCEDURES.get(code)
    if definition is None:
        raise Http404("没有这个程序。")
    return HttpResponse(render_svg(definition), content_type="image/svg+xml; charset=utf-8")


def document_verify(request, code):
    """The page a document's QR code opens: is this a document we issued, and which version."""
    # A case document, or a supervising body's 监督意见书 / 责令纠正通知书 (same page, same facts).
    result = document_verification_public(code) or opinion_verification_public(code)
    status = 200 if result else 404
    return render(
        request, "portal/document_verify.html", {"result": result, "code": code[:16]}, status=status
    )


DECISIONS_PER_PAGE = 20
OFFSET_PAGES = 500


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _cursor(value: str) -> tuple[date, int] | None:
    """A paging cursor ``YYYY-MM-DD_id``; anything else is no cursor."""
    day, _, pk = value.partition("_")
    found = _date(day)
    return (found, int(pk)) if found and pk.isascii() and pk.isdigit() and len(pk) < 19 else None


def decisions(request):
    """执法决定公示 (事后公开): search and filters, newest first, 20 a page."""
    agencies = list(agency_list_public())
    # A case number typed with [ ] or ( ) finds the decision numbered with 〔〕.
    q = case_number_brackets(request.GET.get("q", "").strip()[:100])
    agency_id = id_param(request.GET, "agency", label="执法主体")
    kind = request.GET.get("kind", "")
    if kind not in dict(kinds_public()):
        kind = ""
    since, until = _date(request.GET.get("since", "")), _date(request.GET.get("until", ""))
    page = page_param(request.GET)
    # Paging by cursor (the last or first row shown), so every page is as fast as the first and
    # stays put while decisions are published; a bare ?page=N (old links) still counts rows.
    before, after = _cursor(request.GET.get("before", "")), _cursor(request.GET.get("after", ""))
    if not (before or after):
        # Counting rows costs in proportion to the depth (0.6 s at row 500,000 of a million):
        # a bare page number goes no deeper than OFFSET_PAGES; the pager's cursors go anywhere.
        page = min(page, OFFSET_PAGES)
    rows = publications_public(
        query=q, agency_id=agency_id, kind=kind, since=since, until=until,
        offset=0 if before or after else (page - 1) * DECISIONS_PER_PAGE,
        limit=DECISIONS_PER_PAGE + 1, before=before, after=None if before else after,
    )  # fmt: skip
    if after and not before:
        has_prev, has_next = len(rows) > DECISIONS_PER_PAGE, True
        rows = rows[-DECISIONS_PER_PAGE:]
    else:
        has_prev, has_next = page > 1, len(rows) > DECISIONS_PER_PAGE
        rows = rows[:DECISIONS_PER_PAGE]
    if not rows:
        has_next = False
    base = {
        "q": q,
        "agency": agency_id or "",
        "kind": kind,
        "since": since or "",
        "until": until or "",
    }
    return render(
        request,
        "portal/decisions.html",
        {
            "rows": rows,
            "has_next": has_next,
            "has_prev": has_prev and page > 1,
            "next_cursor": f"{rows[-1].decided_on.isoformat()}_{rows[-1].id}" if rows else "",
            "prev_cursor": f"{rows[0].decided_on.isoformat()}_{rows[0].id}" if rows else "",
            "page": page,
            "q": q,
            "agencies": agencies,
            "agency_id": agency_id,
            "kinds": kinds_public(),
            "kind": kind,
            "since": since,
            "until": until,
            "base_query": urlencode(base),
        },
    )


def decision(request, pk):
    """One decision as published, or the notice that replaced it; with its proof."""
    found = publication_public(pk)
    if found is None:
        raise Http404("没有该公示，或尚未公示。")
    verify_data = None
    if found.ledger_index is not None and found.head_size:
        verify_data = {
            "index": found.ledger_index,
            "size": found.head_size,
            "root": found.head_root,
            "signed_at": beijing_text(found.head_signed_at, seconds=True),
            "key_id": found.head_key_id,
            "leaf": found.leaf,
            "content_sha256": leaf_content_sha256(found.leaf),
            # Each agency has its own log: the proof is that log's.
            "proof_url": f"{reverse('portal:ledger-proof')}?index={found.ledger_index}"
            f"&size={found.head_size}"
            + (f"&log={found.ledger_log}" if found.ledger_log is not None else ""),
        }
    return render(request, "portal/decision.html", {"decision": found, "verify_data": verify_data})


def lists(request, kind):
    """事前公开: each agency's newest published list of one kind, with its proof."""
    labels = dict(listing_kinds_public())
    if kind not in labels:
        raise Http404("没有这种公示清单。")
    found = listings_public(kind)
    return render(
        request,
        "portal/lists.html",
        {
            "kind": kind,
            "label": labels[kind],
            "kinds": listing_kinds_public(),
            "listings": found,
            "procedure_url": reverse("portal:procedures"),
        },
    )


def reports(request):
    """行政执法统计年报 the agencies have published (by 31 January each year)."""
    return render(request, "portal/reports.html", {"reports": annual_reports_public()})


def report(request, pk):
    """One published annual report, as it was frozen, with the proof of its snapshot."""
    found = annual_report_public(pk)
    if found is None:
        raise Http404("没有该年报。")
    return render(
        request,
        "portal/report.html",
        {"published": found, **annual_report_context_public(found)},
    )
