"""Build the default Word templates of case documents (docxtpl placeholders inside).

Run after changing a layout: ``.venv/bin/python scripts/build_document_templates.py``. The
output in ``sanxiang/cases/document_templates/`` is committed; an agency may replace a file with
its own Word layout using the same ``{{ placeholders }}``. Contents follow 行政处罚法第五十二条
(当场处罚决定书) and 第五十九条 (行政处罚决定书), 第四十四条 (事先告知书), 第五十五条 (笔录),
第六十一条 (送达), 第六十四条 (听证) and 行政强制法第十八条、第二十四条 (查封、扣押).

Placeholders: the case (``agency_name``, ``number``, ``title``, ``facts``, ``parties``,
``handlers``, ``violated_basis``, ``penalty_basis``, ``penalty``, ``hearing_right`` …) and, under
``f``, what the officer typed for this document (``f.place``, ``f.qa``, ``f.items`` …; see
``sanxiang/cases/document_inputs.py``). ``{%p …%}`` and ``{%tr …%}`` repeat paragraphs and rows.
Documents handed to the party also print ``party_query_url`` and ``party_code`` (当事人查询).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from sanxiang.core.paper import a4_pages

OUT = Path(__file__).resolve().parents[1] / "sanxiang" / "cases" / "document_templates"
REVIEW_OUT = OUT.parents[1] / "review" / "document_templates"
SUPERVISION_OUT = OUT.parents[1] / "supervision" / "document_templates"
FONT = "Noto Serif CJK SC"


def new_document(title: str) -> DocxDocument:
    document = a4_pages(Document())  # rendering sets A4 too (core/paper.py); saved as A4 here
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


PARTIES = (
    "{% for p in parties %}当事人：{{ p.name }}（{{ p.kind }}）　"
    "{{ p.identifier_label }}：{{ p.identifier }}　住所（地址）：{{ p.address }}{% endfor %}"
)
OFFICERS = (
    "执法人员：{% for h in handlers %}{{ h.name }}（执法证号 {{ h.certificate }}）　{% endfor %}"
)
REMEDIES = (
    "当事人如不服本决定，可以在收到本决定书之日起六十日内依法申请行政复议，"
    "或者在六个月内依法向人民法院提起行政诉讼。"
)


def signatures(document: DocxDocument, *who: str) -> None:
    add(document, "", *(f"{name}签名：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿" for name in who))


def party_signature(document: DocxDocument, who: str = "当事人") -> None:
    """The party's line on a document made on the spot (documents.PARTY_SIGNED_KINDS): his
    signature and date, or, if he refuses, the note and the witness (行政强制法第十八条第八项、
    第九项; 行政处罚法第五十二条). Signed on the officer's phone, it is bound to this version."""
    add(
        document,
        "",
        f"{who}签名：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日",
        f"{who}拒绝签名的，由执法人员注明：{who}拒绝签名，见证人：＿＿＿＿＿＿"
        "（身份证件号码或者单位：＿＿＿＿＿＿＿＿）　见证人签名：＿＿＿＿＿＿",
        "在执法人员终端上签名或者拒绝签名的，记录与本文书核验码所示版本绑定，可扫码核验。",
    )


def repeated(document: DocxDocument, loop: str, line: str) -> None:
    """A paragraph repeated for each element (docxtpl's paragraph-level tags)."""
    add(document, f"{{%p for {loop} %}}", line, "{%p endfor %}")


def table(document: DocxDocument, loop: str, columns: dict[str, str]) -> None:
    """A table with a header and one row per element (docxtpl's row-level tags)."""
    grid = document.add_table(rows=4, cols=len(columns))
    grid.style = "Table Grid"
    for cell, heading in zip(grid.rows[0].cells, columns, strict=True):
        cell.text = heading
    grid.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for cell, value in zip(grid.rows[2].cells, columns.values(), strict=True):
        cell.text = value
    grid.rows[3].cells[0].text = "{%tr endfor %}"


def approval_table(document: DocxDocument, rows: list[tuple[str, str]]) -> None:
    """An approval form (审批表) as agencies print them: one bordered row per item, the item's
    name in the narrow left column, its content (or the approver's opinion) on the right."""
    grid = document.add_table(rows=len(rows), cols=2)
    grid.style = "Table Grid"
    grid.autofit = False
    # LibreOffice and Word read the grid's column widths; each cell repeats its own.
    grid.columns[0].width, grid.columns[1].width = Mm(35), Mm(125)
    for row, (label, value) in zip(grid.rows, rows, strict=True):
        row.cells[0].width = Mm(35)
        row.cells[1].width = Mm(125)
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].text = value


def footer(document: DocxDocument, *, party: bool = False) -> None:
    """Seal, date, QR and 核验码; on documents handed to the party also his 查询码, on a line
    that starts 案件查询 (a publication leaves such lines out: documents.PAPER_ONLY_PREFIXES)."""
    add(document, "", "{{ agency_name }}（印章）", "{{ issued_on }}")
    add(
        document,
        "{{ qr_code }}",
        "扫码核验本文书：{{ verify_url }}",
        "文书核验码：{{ verification_code }}",
    )
    if party:
        add(
            document,
            "{%p if party_code %}",
            "案件查询：{{ party_query_url }}　案件编号：{{ number }}　查询码：{{ party_code }}",
            "{%p endif %}",
        )


def decision() -> DocxDocument:
    document = new_document("行政处罚决定书")
    add(
        document,
        "{% for p in parties %}当事人：{{ p.name }}　{{ p.kind }}　"
        "{{ p.identifier_label }}：{{ p.identifier }}　住所（地址）：{{ p.address }}{% endfor %}",
        "违法行为发生日：{{ violation_on }}　违法行为地点：{{ place }}",
        "违法事实和证据：{{ facts }}",
        "以上事实，有{{ evidence_summary }}等证据为证。",
        # 说理 (cases/reasoning.py, editable in the inputs form): one paragraph per line.
        "{%p if f.reasoning_lines %}",
        "本机关认为：",
        "{%p endif %}",
        "{%p for line in f.reasoning_lines %}",
        "{{ line }}",
        "{%p endfor %}",
        "{% if violated_basis %}当事人的上述行为违反了{{ violated_basis }}的规定。{% endif %}"
        "本机关依据{{ penalty_basis }}的规定，决定给予如下行政处罚：{{ penalty }}。",
        "履行方式和期限：当事人应当自收到本决定书之日起十五日内，到指定的银行或者通过电子支付系统缴纳罚款。"
        "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不超过罚款数额。",
        REMEDIES,
    )
    footer(document, party=True)
    return document


def no_penalty_decision() -> DocxDocument:
    """不予行政处罚决定书: like the decision (party, facts, evidence, the violated article), with
    the ground of 行政处罚法第三十三条 (or 第五十七条第一款第三项), the 裁量基准 entry, what shows
    each element, the education given (第三十三条第三款) and the remedies; ``f.*`` are copied in
    by the service (``cases.no_penalty.decision_fields``)."""
    document = new_document("不予行政处罚决定书")
    add(
        document,
        "{% for p in parties %}当事人：{{ p.name }}　{{ p.kind }}　"
        "{{ p.identifier_label }}：{{ p.identifier }}　住所（地址）：{{ p.address }}{% endfor %}",
        "案由：{{ title }}　违法行为发生日：{{ violation_on }}　地点：{{ place }}",
        "经查：{{ facts }}",
        "以上事实，有{{ evidence_summary }}等证据为证。",
        "{% if f.ground != 'not_established' and violated_basis %}"
        "当事人的上述行为违反了{{ violated_basis }}的规定。{% endif %}"
        "{{ f.ground_text }}，本机关决定对当事人不予行政处罚。",
        "{% if f.entry %}本案适用{{ f.entry }}。{% endif %}",
        "适用情形及其证明：{{ f.elements }}。",
        "{% if f.education %}依据《中华人民共和国行政处罚法》第三十三条第三款，本机关已对当事人"
        "进行教育：{{ f.education }}。{% endif %}",
        "{{ f.remedies }}",
    )
    footer(document, party=True)
    return document


def on_spot_decision() -> DocxDocument:
    document = new_document("当场行政处罚决定书")
    add(
        document,
        "{% for p in parties %}当事人：{{ p.name }}　"
        "{{ p.identifier_label }}：{{ p.identifier }}{% endfor %}",
        "违法行为：{{ title }}。{{ facts }}",
        "时间：{{ violation_on }}　地点：{{ place }}",
        "{% if violated_basis %}上述行为违反了{{ violated_basis }}的规定。{% endif %}"
        "依据{{ basis }}的规定，当场给予如下行政处罚：{{ penalty }}。",
        "当事人应当自收到本决定书之日起十五日内缴纳罚款。"
        "如不服本决定，可以在六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
        "执法人员：{% for h in handlers %}{{ h.name }}（执法证号 {{ h.certificate }}）{% endfor %}",
    )
    party_signature(document, "当事人（签收）")
    footer(document, party=True)
    return document


def registration() -> DocxDocument:
    document = new_document("立案审批表")
    approval_table(
        document,
        [
            ("案由", "{{ title }}"),
            ("案件来源", "{{ source }}"),
            (
                "当事人",
                "{% for p in parties %}{{ p.name }}（{{ p.kind }}）"
                "{{ p.identifier_label }}：{{ p.identifier }}　"
                "住所（地址）：{{ p.address }}　{% endfor %}",
            ),
            ("违法行为发生日", "{{ violation_on }}"),
            ("违法行为地点", "{{ place }}"),
            ("案情及立案理由", "{{ facts }}"),
            (
                "承办人",
                "{% for h in handlers %}{{ h.name }}（执法证号 {{ h.certificate }}）　{% endfor %}",
            ),
            ("承办人意见", "建议立案。　　签名：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿"),
            ("负责人审批意见", "同意立案。　　审批人：{{ approver }}　　日期：{{ registered_on }}"),
        ],
    )
    footer(document)
    return document


def inspection_record() -> DocxDocument:
    document = new_document("现场检查笔录")
    add(
        document,
        "案由：{{ title }}",
        "检查时间：{{ f.started_at }}至{{ f.ended_at }}",
        "检查地点：{{ f.place }}",
        "被检查人：{% for p in parties %}{{ p.name }}"
        "（{{ p.identifier_label }}：{{ p.identifier }}，"
        "住所（地址）：{{ p.address }}）{% endfor %}",
        "在场人员：{{ f.present }}",
        OFFICERS,
        "执法人员已向当事人或者有关人员出示执法证件，告知其应当如实回答询问，协助检查，"
        "不得拒绝或者阻挠；认为执法人员与本案有直接利害关系的，有权申请回避"
        "（《中华人民共和国行政处罚法》第五十五条）。",
        "检查情况：{{ f.findings }}",
    )
    add(document, "以上记录属实。")
    party_signature(document, "当事人或在场人员")
    signatures(document, "执法人员", "执法人员")
    footer(document)
    return document


def inquiry_record() -> DocxDocument:
    document = new_document("询问笔录")
    add(
        document,
        "案由：{{ title }}",
        "询问时间：{{ f.started_at }}至{{ f.ended_at }}",
        "询问地点：{{ f.place }}",
        "被询问人：{{ f.person }}　身份：{{ f.person_role }}　联系方式：{{ f.person_contact }}",
        OFFICERS,
        "告知：我们是{{ agency_name }}的执法人员，已向你出示执法证件。"
        "你应当如实回答询问，协助调查，不得拒绝或者阻挠；"
        "认为执法人员与本案有直接利害关系的，有权申请回避（《中华人民共和国行政处罚法》第五十五条）。",
    )
    repeated(document, "line in f.qa", "{{ line.speaker }}：{{ line.text }}")
    add(document, "以上笔录我已看过（向我宣读过），与我说的一致。")
    party_signature(document, "被询问人")
    signatures(document, "询问人", "记录人")
    footer(document)
    return document


def correction_order() -> DocxDocument:
    document = new_document("责令改正通知书")
    add(
        document,
        PARTIES,
        "经查，你（单位）存在以下违法行为：{{ facts }}",
        "上述行为违反了{{ violated_basis }}的规定。",
        "根据《中华人民共和国行政处罚法》第二十八条第一款"
        "{% if penalty_basis %}及{{ penalty_basis }}{% endif %}的规定，"
        "现责令你（单位）于{{ f.deadline }}前改正上述违法行为。",
        "改正要求：{{ f.requirement }}",
        "逾期不改正的，本机关将依法处理。",
    )
    footer(document, party=True)
    return document


def advance_notice() -> DocxDocument:
    document = new_document("行政处罚事先告知书")
    add(
        document,
        PARTIES,
        "经查，你（单位）于{{ violation_on }}在{{ place }}存在以下违法事实：{{ facts }}",
        "以上事实，有{{ evidence_summary }}等证据为证。",
        # 情节 and the tier relied on (第四十四条: the reasons), when the case records them.
        "{%p if f.discretion %}",
        "{{ f.discretion }}",
        "{%p endif %}",
        "{% if violated_basis %}你（单位）的上述行为违反了{{ violated_basis }}的规定。{% endif %}"
        "依据{{ penalty_basis }}的规定，本机关拟对你（单位）作出如下行政处罚：{{ f.penalty }}。",
        "根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你（单位）有权进行陈述和申辩。"
        "本机关将充分听取你（单位）的意见，对提出的事实、理由和证据进行复核，"
        "不因你（单位）陈述、申辩而给予更重的处罚。",
        "{% if hearing_right %}根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，"
        "你（单位）有权要求听证。如要求听证，应当在收到本告知书之日起五个工作日内向本机关提出；"
        "逾期未提出的，视为放弃听证权利。{% endif %}",
        "联系人及联系电话：{{ f.contact }}　联系地址：{{ agency_address }}",
    )
    footer(document, party=True)
    return document


def hearing_notice() -> DocxDocument:
    document = new_document("听证通知书")
    add(
        document,
        PARTIES,
        "根据你（单位）的申请，本机关定于{{ f.hearing_at }}在{{ f.place }}"
        "就{{ title }}一案举行听证，{{ f.public }}。",
        "听证主持人：{{ f.host }}　{% if f.recorder %}记录员：{{ f.recorder }}{% endif %}",
        "你（单位）可以亲自参加听证，也可以委托一至二人代理；委托代理人参加的，"
        "应当在听证前提交授权委托书。",
        "你（单位）认为主持人与本案有直接利害关系的，有权申请回避。",
        "你（单位）及代理人无正当理由拒不出席听证或者未经许可中途退出听证的，"
        "视为放弃听证权利，本机关终止听证。",
        "依据：《中华人民共和国行政处罚法》第六十四条。",
    )
    footer(document, party=True)
    return document


def hearing_record() -> DocxDocument:
    document = new_document("听证笔录")
    add(
        document,
        "案由：{{ title }}",
        "听证时间：{{ f.started_at }}至{{ f.ended_at }}",
        "听证地点：{{ f.place }}",
        "听证主持人：{{ f.host }}　记录员：{{ f.recorder }}",
        PARTIES,
        "出席人员：{{ f.attendees }}",
        "主持人宣布听证纪律，告知当事人有申请回避、陈述、申辩和质证的权利。",
        "调查人员提出的违法事实、证据和行政处罚建议：{{ f.investigator_statement }}",
        "当事人的申辩和质证意见：{{ f.party_statement }}",
        "本笔录已交当事人或者其代理人核对无误后签字或者盖章；当事人或者其代理人拒绝签字或者盖章的，"
        "由听证主持人在笔录中注明（《中华人民共和国行政处罚法》第六十四条第八项）。",
    )
    signatures(document, "当事人或代理人", "听证主持人", "记录员")
    footer(document)
    return document


def service_proof() -> DocxDocument:
    document = new_document("送达回证")
    add(
        document,
        "送达文书：{{ f.served_document }}（{{ number }}）",
        "受送达人：{{ f.recipient }}",
        "送达时间：{{ f.served_at }}",
        "送达地点：{{ f.place }}",
        "送达方式：{{ f.method }}",
        "送达人：{% for h in handlers %}{{ h.name }}　{% endfor %}",
        "{% if f.signer %}签收人：{{ f.signer }}{% endif %}",
        "备注：{{ f.note }}",
        "依据：《中华人民共和国行政处罚法》第六十一条；《中华人民共和国民事诉讼法》有关送达的规定。",
    )
    party_signature(document, "受送达人（签收人）")
    signatures(document, "送达人")
    footer(document)
    return document


ITEM_COLUMNS = {
    "名称": "{{ item.name }}",
    "规格": "{{ item.spec }}",
    "数量": "{{ item.quantity }}",
    "单位": "{{ item.unit }}",
}


def seizure_decision() -> DocxDocument:
    document = new_document("查封（扣押）决定书")
    add(
        document,
        PARTIES,
        "{{ f.measure }}的理由：{{ f.reason }}",
        "{% if violated_basis %}当事人涉嫌违反{{ violated_basis }}的规定。{% endif %}"
        "依据{{ penalty_basis }}的规定，本机关决定对下列场所、设施或者财物予以{{ f.measure }}：",
    )
    table(document, "item in f['items']", ITEM_COLUMNS)
    add(
        document,
        "{{ f.measure }}期限：自{{ f.starts_on }}起{{ f.days }}日，至{{ f.ends_on }}止"
        "（《中华人民共和国行政强制法》第二十五条；情况复杂的，经负责人批准可以延长，"
        "延长期限不超过三十日，并书面告知）。",
        "对物品需要进行检测、检验、检疫或者技术鉴定的，查封、扣押的期间不包括检测、检验、检疫"
        "或者技术鉴定的期间，本机关将书面告知。",
        OFFICERS,
        REMEDIES,
    )
    footer(document, party=True)
    return document


def seizure_list() -> DocxDocument:
    document = new_document("查封（扣押）清单")
    add(
        document,
        PARTIES,
        "根据查封（扣押）决定书（核验码 {{ f.decision_code }}），"
        "本机关{{ f.measure }}下列场所、设施或者财物：",
    )
    table(document, "item in f['items']", ITEM_COLUMNS)
    add(
        document,
        "保管地点：{{ f.storage_place }}",
        "本清单一式二份，由当事人和行政机关分别保存（《中华人民共和国行政强制法》第二十四条）。",
    )
    party_signature(document, "当事人")
    signatures(document, "执法人员", "执法人员")
    footer(document, party=True)
    return document


def closing_approval() -> DocxDocument:
    document = new_document("结案审批表")
    approval_table(
        document,
        [
            ("案由", "{{ title }}"),
            ("当事人", "{% for p in parties %}{{ p.name }}（{{ p.kind }}）　{% endfor %}"),
            ("立案日期", "{{ registered_on }}"),
            ("违法事实", "{{ facts }}"),
            ("处罚依据", "{{ penalty_basis }}"),
            ("处理结果及执行情况", "{{ f.result }}"),
            (
                "承办人",
                "{% for h in handlers %}{{ h.name }}（执法证号 {{ h.certificate }}）　{% endfor %}",
            ),
            ("承办人结案意见", "{{ f.opinion }}　　签名：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿"),
            ("负责人审批意见", "＿＿＿＿＿＿＿＿　　审批人：{{ approver }}　　日期：＿＿＿＿＿＿"),
        ],
    )
    footer(document)
    return document


def review_header(title: str) -> DocxDocument:
    document = new_document(title)
    add(
        document,
        "案件：{{ case_number }}　{{ case_title }}",
        "承办机构：{{ unit }}　承办人：{{ handlers }}",
        "纳入审核的理由：{{ need_reason }}",
    )
    return document


def review_opinion() -> DocxDocument:
    """书面审核意见 (国办发〔2018〕118号; 行政处罚法第五十八条), one per round."""
    document = review_header("重大执法决定法制审核意见书")
    add(document, "第 {{ round }} 轮送审，送审人：{{ submitted_by }}，送审时间：{{ submitted_at }}")
    repeated(
        document,
        "p in points",
        "{{ p.number }}. {{ p.label }}：{{ p.conclusion }}。{{ p.reasoning }}",
    )
    add(
        document,
        "审核结论：{{ conclusion }}",
        "审核意见：{{ summary }}",
        "{% if assisted_by %}协助审核：{{ assisted_by }}{% endif %}",
        "",
        "法制审核人员：{{ reviewer }}　　日期：{{ written_on }}",
        "{{ agency_name }}法制审核机构（{{ review_body }}）",
    )
    return document


def committee_minutes() -> DocxDocument:
    """法制审核委员会会议纪要: each member's view and the collective conclusion."""
    document = review_header("重大执法决定法制审核委员会会议纪要")
    add(document, "会议时间：{{ held_on }}　地点：{{ place }}　主持人：{{ chair }}")
    repeated(
        document,
        "p in participants",
        "{{ p.name }}（{{ p.capacity }}）：{{ p.view }}　表决：{{ p.vote }}",
    )
    add(
        document,
        "集体审议结论：{{ conclusion }}",
        "会议纪要：{{ minutes }}",
        "",
        "记录人：{{ recorded_by }}",
        "{{ agency_name }}重大执法决定法制审核委员会",
    )
    return document


def supervision_opinion() -> DocxDocument:
    """行政执法监督意见书 / 责令纠正通知书 (one layout, ``title`` says which), issued by a
    supervising body on a case of an agency in its area (《行政执法监督条例》; the bases are data:
    data/supervision/opinion_bases.csv). Numbered per body and year, e.g. 示司监〔2026〕3号."""
    document = new_document("{{ title }}")
    add(
        document,
        "{{ addressee }}：",
        "本机关对你单位办理的{{ case_number }}“{{ case_title }}”案进行了监督，"
        "发现存在以下问题{% if legal_point %}（涉及{{ legal_point }}）{% endif %}：",
        "{{ problems }}",
        "{{ requirement_label }}：{{ requirement }}",
        "依据：{{ bases }}",
        "请于{{ answer_due_on }}前（{{ period_workdays }}个工作日内，法定节假日不计入）"
        "将{{ answer_what }}书面报送本机关，可以通过行政执法综合管理监督平台答复。",
        "",
        "监督人员：{{ issued_by }}",
        "签发人签名：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿",
        "",
        "{{ body_name }}（印章）",
        "{{ issued_on }}",
        "{{ qr_code }}",
        "扫码核验本文书：{{ verify_url }}",
        "文书核验码：{{ verification_code }}",
    )
    return document


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in (
        ("decision", decision),
        ("on_spot_decision", on_spot_decision),
        ("no_penalty_decision", no_penalty_decision),
        ("registration", registration),
        ("inspection_record", inspection_record),
        ("inquiry_record", inquiry_record),
        ("correction_order", correction_order),
        ("advance_notice", advance_notice),
        ("hearing_notice", hearing_notice),
        ("hearing_record", hearing_record),
        ("service_proof", service_proof),
        ("seizure_decision", seizure_decision),
        ("seizure_list", seizure_list),
        ("closing_approval", closing_approval),
    ):
        build().save(str(OUT / f"{name}.docx"))
        print(OUT / f"{name}.docx")
    REVIEW_OUT.mkdir(parents=True, exist_ok=True)
    for name, build in (("opinion", review_opinion), ("minutes", committee_minutes)):
        build().save(str(REVIEW_OUT / f"{name}.docx"))
        print(REVIEW_OUT / f"{name}.docx")
    supervision()


def supervision() -> None:
    SUPERVISION_OUT.mkdir(parents=True, exist_ok=True)
    supervision_opinion().save(str(SUPERVISION_OUT / "opinion.docx"))
    print(SUPERVISION_OUT / "opinion.docx")


if __name__ == "__main__":
    main()
