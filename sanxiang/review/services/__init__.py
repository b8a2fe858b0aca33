"""Every write of 法制审核: submission, opinion, answer, committee, and the need findings.

Each service locks the case, writes the review records, appends a ledger event carrying the
SHA-256 of what was written, and takes the matching case step through
``cases.services.case_transition`` — all in one transaction (DESIGN.md rule 1). The case
step's guard asks the review app (``gate.py``) that the record exists, so the steps cannot be
taken any other way.

One module per subdomain; this package re-exports the names the rest of the code imports, so
``from sanxiang.review.services import opinion_write`` keeps working:

- ``need``: ``determination_record``, whether the case needed review at a deciding step;
- ``submission``: 送审 (``review_submit``), ``materials_check``, the eligible reviewers, rounds;
- ``opinion``: the reviewer's 书面审核意见 (``opinion_write``);
- ``answer``: the handlers' 书面答复 (``answer_write``), which starts the next round;
- ``committee``: the 审核委员会's meeting (``committee_record``);
- ``_common``: ``ReviewRefused``, the review's ledger record, the policy, 审核期限, row locks.

The long services are written as named steps — the checks before the transaction, the checks
under the row locks, the write, the outcome — and the ledger event and the case step stand in
the service itself, where the transaction is.
"""

from sanxiang.review.services._common import REVIEW_STEPS, ReviewRefused, policy_for
from sanxiang.review.services.answer import answer_write
from sanxiang.review.services.committee import ParticipantInput, committee_record
from sanxiang.review.services.need import determination_record
from sanxiang.review.services.opinion import PointInput, opinion_write
from sanxiang.review.services.submission import MaterialCheck, materials_check, review_submit

__all__ = [
    "REVIEW_STEPS",
    "MaterialCheck",
    "ParticipantInput",
    "PointInput",
    "ReviewRefused",
    "answer_write",
    "committee_record",
    "determination_record",
    "materials_check",
    "opinion_write",
    "policy_for",
    "review_submit",
]
