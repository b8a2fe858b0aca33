"""An automated accessibility check of the main pages, offline, in real Chromium.

axe-core (pinned in package-lock.json, installed into node_modules/ by ``make install-test``;
never committed) is injected into each page as it is served by ``sanxiang serve`` and run with
the WCAG 2.1 A and AA rules and axe's landmark rules: labels, colour contrast, landmarks,
the document's language and the rest. Every page is checked at 1366 px and at 390 px, and the
test fails on any violation, listing the rule, the element and axe's explanation.

No rule is disabled. Screenshots land in test-results/a11y-<page>-<width>.png.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import REPO, serving
from tests.e2e.conftest import SHOTS, log_in, own_instance

pytestmark = pytest.mark.e2e

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1366, 390)
# WCAG 2.0/2.1 level A and AA (labels, contrast, html-has-lang, valid-lang …) and axe's
# landmark and heading rules (best-practice tags, which WCAG alone does not cover).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@dataclass(frozen=True)
class Site:
    base: str
    case: int
    opened: int
    reference: str
    review: int
    decision: int
    verification_code: str
    agency: int
    opinion: int
    campaign: int
    draft_campaign: int
    assignment: int
    no_penalty: int


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """An installation of its own (demo data, the portal test's published decisions, and a case
    waiting for its 法制审核 opinion), served."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed ({AXE}): run `make install-test` (npm ci)")
    instance = own_instance(tmp_path_factory, "a11y-instance")
    made = {}
    for script in ("tests.e2e.portal_data", "tests.e2e.a11y_data"):
        run = subprocess.run(
            [sys.executable, "-m", script],
            env=instance.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        made.update(json.loads(run.stdout.strip().splitlines()[-1]))
    with serving(instance) as base:
        yield Site(
            base=base,
            case=made["case"],
            opened=made["opened"],
            reference=made["reference"],
            review=made["review"],
            decision=made["decision"],
            verification_code=made["verification_code"],
            agency=made["agency"],
            opinion=made["opinion"],
            campaign=made["campaign"],
            draft_campaign=made["draft_campaign"],
            assignment=made["assignment"],
            no_penalty=made["no_penalty"],
        )


def violations(page: Page) -> list[str]:
    """axe's violations on the page as it stands, one line per element."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {node['target']} — {node['failureSummary']}"
        for v in result["violations"]
        for node in v["nodes"]
    ]


# Who looks at each page (None: nobody logged in) and where it is.
def pages(site: Site) -> list[tuple[str, str | None, str]]:
    return [
        ("login", None, "/office/login/"),
        ("desk", "portal_zhang", "/office/"),
        ("case-list", "portal_zhang", "/office/cases/"),
        ("case", "portal_zhang", f"/office/cases/{site.case}/"),
        ("case-opened", "portal_zhang", f"/office/cases/{site.opened}/"),
        ("case-new", "portal_zhang", "/office/cases/new/"),
        ("case-no-penalty", "portal_zhang", f"/office/cases/{site.no_penalty}/?np_ground=first"),
        ("evidence-form", "portal_zhang", f"/office/evidence/upload/?case={quote(site.reference)}"),
        ("review-opinion", "portal_zhou", f"/office/review/{site.review}/"),
        ("review-queue", "portal_zhou", "/office/review/"),
        ("training", "portal_zhou", "/office/training/"),
        ("alerts", "portal_zhang", "/office/alerts/"),
        ("discretion-office", "portal_zhang", "/office/discretion/"),
        ("similar", "portal_zhou", f"/office/similar/cases/{site.case}/"),
        ("interference-new", "portal_zhang", "/office/supervision/interference/new"),
        ("supervision", "jiandu", "/office/supervision/"),
        ("supervision-cases", "jiandu", "/office/supervision/cases/?metric=total"),
        ("supervision-reason", "jiandu", f"/office/cases/{site.opened}/"),
        ("supervision-case", "jiandu", f"/office/cases/{site.case}/?reason=routine"),
        ("interferences", "jiandu", "/office/supervision/interference/"),
        ("supervision-alerts", "jiandu", "/office/supervision/alerts/?figure=open"),
        ("supervision-complaints", "jiandu", "/office/supervision/complaints/?figure=total"),
        ("scorecard-compare", "jiandu", "/office/supervision/scorecard/"),
        ("scorecard", "jiandu", f"/office/supervision/scorecard/{site.agency}/"),
        ("scorecard-item", "jiandu", f"/office/supervision/scorecard/{site.agency}/36/"),
        ("scorecard-manual", "jiandu", f"/office/supervision/scorecard/{site.agency}/23/"),
        ("scorecard-attest", "jiandu", f"/office/supervision/scorecard/{site.agency}/1/"),
        ("scorecard-attest-head", "portal_head", f"/office/supervision/scorecard/{site.agency}/1/"),
        ("opinions", "jiandu", "/office/supervision/opinions/"),
        ("opinion-new", "jiandu", f"/office/supervision/opinions/new?case={site.case}"),
        ("opinion-answer", "portal_head", f"/office/supervision/opinions/{site.opinion}/"),
        ("evaluation", "jiandu", "/office/evaluation/"),
        ("evaluation-new", "jiandu", "/office/evaluation/new"),
        ("evaluation-draft", "jiandu", f"/office/evaluation/{site.draft_campaign}/"),
        ("evaluation-campaign", "jiandu", f"/office/evaluation/{site.campaign}/"),
        ("evaluation-score", "jiandu", f"/office/evaluation/cases/{site.assignment}/"),
        ("evaluation-findings", "portal_head", "/office/evaluation/findings/"),
        ("permits", "portal_zhang", "/office/permits/"),
        ("permit-new", "portal_zhang", "/office/permits/new/"),
        ("permit-import", "portal_zhang", "/office/permits/import/"),
        ("portal-home", None, "/gongshi/"),
        ("portal-discretion", None, "/gongshi/discretion/"),
        ("decision", None, f"/gongshi/decisions/{site.decision}/"),
        ("verification", None, f"/gongshi/documents/{site.verification_code}/"),
        ("complaint-form", None, "/gongshi/complaints/"),
        ("complaint-status", None, "/gongshi/complaints/status/"),
        ("portal-evaluation", None, "/gongshi/pingcha/"),
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_main_pages_pass_the_accessibility_checker(
    site: Site, browser: Browser, width: int
) -> None:
    found: dict[str, list[str]] = {}
    logged_in: dict[str | None, Page] = {}
    contexts = []
    for name, who, path in pages(site):
        if who not in logged_in:
            # bypass_csp: the page's Content-Security-Policy would refuse the injected checker.
            context = browser.new_context(
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
                viewport={"width": width, "height": 900 if width > 390 else 844},
                is_mobile=width == 390,
                bypass_csp=True,
            )
            contexts.append(context)
            logged_in[who] = context.new_page()
            if who:
                log_in(logged_in[who], site.base, who)
        page = logged_in[who]
        response = page.goto(f"{site.base}{path}")
        assert response is not None and response.ok, f"{name}: {path} answered {response}"
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"a11y-{name}-{width}.png"), full_page=True)
        for i, form in enumerate(page.locator("main form:has(.field), #opinion-form").all()):
            if form.is_visible():  # each drawn form alone, to look at
                shot = f"a11y-{name}-form{i}-{width}.png"
                form.screenshot(path=str(SHOTS / shot))
        if problems := violations(page):
            found[name] = problems
        if name == "evidence-form":
            # The same form sent empty (the browser's own checks off): the errors the server
            # shows, at the top and beside each field, must pass too.
            page.evaluate("document.getElementById('upload-form').noValidate = true")
            page.get_by_label("案件编号").fill("")
            page.get_by_role("button", name="上传并登记").click()
            page.wait_for_selector(".form-errors")
            page.locator("#upload-form").screenshot(
                path=str(SHOTS / f"a11y-evidence-errors-{width}.png")
            )
            if problems := violations(page):
                found["evidence-errors"] = problems
    for context in contexts:
        context.close()
    assert not found, "accessibility violations:\n" + "\n".join(
        f"[{name} @ {width}px] {line}" for name, lines in found.items() for line in lines
    )


def test_the_checker_is_pinned_and_not_committed() -> None:
    lock = json.loads((REPO / "package-lock.json").read_text())
    pinned = json.loads((REPO / "package.json").read_text())["devDependencies"]["axe-core"]
    assert lock["packages"]["node_modules/axe-core"]["version"] == pinned
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", str(AXE)], cwd=REPO, check=False
    ).returncode
    assert ignored == 0, "node_modules/ must stay out of git"
    assert Path(AXE).exists()
