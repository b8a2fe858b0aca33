"""The published 执法流程图 is drawn from the procedures the system enforces."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from sanxiang.cases.workflow.definitions import COERCIVE_MEASURE, GENERAL, PROCEDURES, SIMPLE
from sanxiang.cases.workflow.flowchart import main_line, render_svg


def test_the_general_procedure_runs_from_case_source_to_archive():
    line = [GENERAL.states[s] for s in main_line(GENERAL)]
    assert line[:6] == [
        "案源登记",
        "调查取证",
        "调查终结",
        "已事先告知",
        "法制审核中",
        "已集体讨论",
    ]
    assert line[-1] == "归档"


@pytest.mark.parametrize("definition", [GENERAL, COERCIVE_MEASURE], ids=lambda d: d.code)
def test_the_review_is_drawn_as_a_sub_chart_inside_its_composite_state(definition):
    from sanxiang.review.workflow import REVIEW_PROCEDURE

    root = ET.fromstring(render_svg(definition))  # noqa: S314 - our own output
    svg = "".join(
        (node.text or "").strip() for node in root.iter("{http://www.w3.org/2000/svg}text")
    )
    assert "法制审核中（子流程：法制审核）" in svg
    for label in REVIEW_PROCEDURE.states.values():
        assert label in svg
    for transition in REVIEW_PROCEDURE.transitions:
        assert transition.label in svg
    # The way out of the composite state says which sub-state it waits for.
    exit_step = "作出行政处罚决定" if definition is GENERAL else "批准实施"
    assert f"〔审核通过后〕→ {exit_step}" in svg


@pytest.mark.parametrize("definition", [GENERAL, SIMPLE], ids=lambda d: d.code)
def test_every_step_label_basis_and_deadline_is_on_the_chart(definition):
    root = ET.fromstring(render_svg(definition))  # noqa: S314 - our own output
    # The chart's text as a reader follows it, long lines rejoined where the boxes wrapped them.
    svg = "".join(
        (node.text or "").strip() for node in root.iter("{http://www.w3.org/2000/svg}text")
    )
    for transition in definition.transitions:
        assert transition.label in svg
        if transition.deadline:
            assert str(transition.deadline) in svg
    for label in definition.states.values():
        assert label in svg


def test_the_portal_publishes_each_procedure_without_login(client, db):
    page = client.get(reverse("portal:procedures")).content.decode()
    assert "行政处罚一般程序" in page and "自立案之日起90日（行政处罚法第六十条）" in page
    for code in PROCEDURES:
        response = client.get(reverse("portal:procedure-svg", args=[code]))
        assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    assert client.get(reverse("portal:procedure-svg", args=["nothing"])).status_code == 404
