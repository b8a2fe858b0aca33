"""Every write to a case: open, parties, handlers, and each step of its procedure.

One module per subdomain; this package re-exports the names the rest of the code imports, so
``from sanxiang.cases.services import case_transition`` keeps working:

- ``opening``: numbering, ``case_open``, ``party_add``, ``handlers_set``;
- ``assessment``: the proposal (``case_assess``), the legal basis, ``decision_extend``;
- ``circumstances``: the 裁量情节 the handlers record, with their evidence;
- ``transition``: ``case_transition``, the only code that changes ``Case.state``;
- ``documents``: ``document_generate``, ``document_open``, ``document_pdf_ensure``;
- ``onsite``: the phone's 现场执法 flow (opening on the spot, photos, 当场处罚, on-site
  inspection records and results), the one module ``cases/onsite.py`` writes through;
- ``execution``: payments, schedules, remedies, execution steps, deadline recomputation;
- ``party_signatures``: the party's signature on a version made on the spot, or his refusal;
- ``page_access``: ``case_page_open``, the recorded look at a case page (案件调阅记录);
- ``_common``: ``CaseRefused``, the case snapshot and its ledger record, shared helpers.

A test that replaces a module-level name must patch it in the submodule that uses it
(e.g. ``sanxiang.cases.services.transition._record``), not on this package.
"""

from sanxiang.cases.models import evidence_reference
from sanxiang.cases.pdf import document_pdf_ensure, documents_pdf_pending
from sanxiang.cases.services._common import CaseRefused, proposal_sha256
from sanxiang.cases.services.assessment import (
    ASSESSMENT_OPEN_IN,
    BASIS_OPEN_IN,
    EXTENSION_OPEN_IN,
    Assessment,
    case_assess,
    case_basis_set,
    case_violation_choose,
    decision_extend,
)
from sanxiang.cases.services.circumstances import (
    CIRCUMSTANCES_OPEN_IN,
    Tick,
    case_circumstances_set,
)
from sanxiang.cases.services.documents import (
    document_fields_sha256,
    document_generate,
    document_open,
)
from sanxiang.cases.services.execution import (
    PAYMENT_OPEN_IN,
    REMEDY_OPEN_IN,
    court_application_record,
    execution_step_record,
    payment_deadlines_recompute,
    payment_record,
    remedy_record,
    remedy_step_record,
    schedule_approve,
)
from sanxiang.cases.services.no_penalty import (
    EDUCATION_OPEN_IN,
    education_record,
    no_penalty_propose,
    no_penalty_withdraw,
)
from sanxiang.cases.services.onsite import (
    ONSITE_STATES,
    TWO_OFFICERS,
    OnsiteParty,
    OnsiteStart,
    OnSpotPenalty,
    Position,
    inspection_check_on_site,
    inspection_record_on_site,
    inspection_result_record,
    on_spot_circumstances_set,
    on_spot_convert,
    on_spot_decide,
    on_spot_decision_document,
    on_spot_penalty_set,
    on_spot_violation_choose,
    onsite_case_open,
    onsite_photo_add,
)
from sanxiang.cases.services.opening import (
    NewCase,
    case_open,
    handlers_set,
    number_allocate,
    party_add,
)
from sanxiang.cases.services.page_access import CaseReasonRequired, case_page_open
from sanxiang.cases.services.party_signatures import (
    party_signature_open,
    party_signature_record,
    party_signature_refusal_record,
)
from sanxiang.cases.services.transition import case_transition

__all__ = [
    "ASSESSMENT_OPEN_IN",
    "BASIS_OPEN_IN",
    "CIRCUMSTANCES_OPEN_IN",
    "EDUCATION_OPEN_IN",
    "EXTENSION_OPEN_IN",
    "ONSITE_STATES",
    "PAYMENT_OPEN_IN",
    "REMEDY_OPEN_IN",
    "TWO_OFFICERS",
    "Assessment",
    "CaseReasonRequired",
    "CaseRefused",
    "NewCase",
    "OnSpotPenalty",
    "OnsiteParty",
    "OnsiteStart",
    "Position",
    "Tick",
    "case_assess",
    "case_basis_set",
    "case_circumstances_set",
    "case_open",
    "case_page_open",
    "case_transition",
    "case_violation_choose",
    "court_application_record",
    "decision_extend",
    "document_fields_sha256",
    "document_generate",
    "document_open",
    "document_pdf_ensure",
    "documents_pdf_pending",
    "education_record",
    "evidence_reference",
    "execution_step_record",
    "handlers_set",
    "inspection_check_on_site",
    "inspection_record_on_site",
    "inspection_result_record",
    "no_penalty_propose",
    "no_penalty_withdraw",
    "number_allocate",
    "on_spot_circumstances_set",
    "on_spot_convert",
    "on_spot_decide",
    "on_spot_decision_document",
    "on_spot_penalty_set",
    "on_spot_violation_choose",
    "onsite_case_open",
    "onsite_photo_add",
    "party_add",
    "party_signature_open",
    "party_signature_record",
    "party_signature_refusal_record",
    "payment_deadlines_recompute",
    "payment_record",
    "proposal_sha256",
    "remedy_record",
    "remedy_step_record",
    "schedule_approve",
]
