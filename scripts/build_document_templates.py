"""Build the default Word templates of case documents (docxtpl placeholders inside).

Run after changing a layout: ``.venv/bin/python scripts/build_document_templates.py``. The
output in ``sanxiang/cases/document_templates/`` is committed; an agency may replace a file with
its own Word layout using the same ``{{ placeholders }}``. Contents follow 行政处罚法第五十二条
(当场处罚决定书) and 第五十九条 (行政处罚决定书).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

OUT = Path(__file__).resolve().parents[1] / "sanxiang" / "cases" / "document_templates"
FONT = "Noto Serif CJK SC"


def new_document(title: str) -> DocxDocument:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("{{ agency_name }}")
    run.font.size = Pt(16)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(20)
    number = document.add_paragraph("{{ number }}")
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return document


def add(document: DocxDocument, *lines: str) -> None:
    for line in lines:
        document.add_paragraph(line)


def footer(document: DocxDocument) -> None:
    add(document, "", "{{ agency_name }}（印章）", "{{ issued_on }}")
    add(
        document,
        "{{ qr_code }}",
        "扫码核验本文书：{{ verify_url }}",
        "文书核验码：{{ verification_code }}",
    )


def decision() -> DocxDocument:
    document = new_document("行政处罚决定书")
    add(
        document,
        "{% for p in parties %}当事人：{{ p.name }}　{{ p.kind }}　"
        "{{ p.identifier_label }}：{{ p.identifier }}　住所（地址）：{{ p.address }}{% endfor %}",
        "违法事实和证据：{{ facts }}",
        "以上事实，有{{ evidence_summary }}等证据为证。",
        "本机关依据{{ basis }}，决定给予如下行政处罚：{{ penalty }}。",
        "履行方式和期限：当事人应当自收到本决定书之日起十五日内，到指定的银行或者通过电子支付系统缴纳罚款。"
        "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不超过罚款数额。",
        "当事人如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，"
        "或者在六个月内依法向人民法院提起行政诉讼。",
    )
    footer(document)
    return document


def on_spot_decision() -> DocxDocument:
    document = new_document("当场行政处罚决定书")
    add(
        document,
        "{% for p in parties %}当事人：{{ p.name }}　"
        "{{ p.identifier_label }}：{{ p.identifier }}{% endfor %}",
        "违法行为：{{ title }}。{{ facts }}",
        "时间：{{ violation_on }}　地点：{{ place }}",
        "依据{{ basis }}，当场给予如下行政处罚：{{ penalty }}。",
        "当事人应当自收到本决定书之日起十五日内缴纳罚款。"
        "如不服本决定，可以在六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
        "执法人员：{% for h in handlers %}{{ h.name }}（执法证号 {{ h.certificate }}）{% endfor %}",
    )
    footer(document)
    return document


def registration() -> DocxDocument:
    document = new_document("立案审批表")
    add(
        document,
        "案由：{{ title }}",
        "案件来源：{{ source }}",
        "{% for p in parties %}当事人：{{ p.name }}（{{ p.kind }}）　"
        "住所（地址）：{{ p.address }}{% endfor %}",
        "案情及立案理由：{{ facts }}",
        "承办人：{% for h in handlers %}{{ h.name }}（执法证号 {{ h.certificate }}）　{% endfor %}",
        "负责人审批意见：同意立案。　审批人：{{ approver }}　日期：{{ registered_on }}",
    )
    footer(document)
    return document


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in (
        ("decision", decision),
        ("on_spot_decision", on_spot_decision),
        ("registration", registration),
    ):
        build().save(str(OUT / f"{name}.docx"))
        print(OUT / f"{name}.docx")


if __name__ == "__main__":
    main()
