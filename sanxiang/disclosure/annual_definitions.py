"""The figures of the 行政执法统计年报 as rows: loaded from the cited file, edited in 管理后台.

``data/disclosure/annual_report.csv`` lists every figure with its label, definition (统计口径)
and source (依据). Migration ``disclosure.0009`` loads it into ``AnnualFigureDefinition`` on a
fresh database; ``sanxiang report definitions`` loads it again (``annual_definitions_load``):
it adds the figures that have no row, leaves rows that match the file alone, and reports rows
an administrator edited without overwriting them (``replace=True`` overwrites them, one ledger
event each). A file with any bad row loads nothing and names every bad row.

The report reads the rows through ``annual_definitions``; the code decides only the value of each
figure (``COMPUTED_KEYS``), the rows decide how it is labelled, defined, sourced and ordered.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sanxiang.core.legal_rows import DataFileError, LoadReport, rows_sync, table_read
from sanxiang.disclosure.models import AnnualFigureDefinition

DEFINITIONS_FILE = Path(__file__).resolve().parents[2] / "data" / "disclosure" / "annual_report.csv"

#: The figures ``annual.annual_figures`` computes (tests check that the two agree).
COMPUTED_KEYS = frozenset(
    {
        "acts_penalty", "acts_coercive", "acts_inspection", "acts_permit",
        "permits_refused", "permits_ended", "acts_expropriation", "acts_confirmation",
        "acts_benefit", "acts_adjudication", "acts_other",
        "outcome_penalty", "outcome_no_penalty", "outcome_withdrawn", "outcome_transferred",
        "procedure_general", "procedure_simple",
        "fine_decisions", "fines_total_yuan", "confiscation_decisions",
        "hearings_held", "collective_discussions",
        "coercive_urgent", "coercive_extended", "coercive_released", "coercive_confiscated",
        "coercive_destroyed", "coercive_dropped",
        "publications_due", "publications_published", "publications_on_time",
        "publications_on_time_rate", "publications_overdue", "publications_exempt",
        "withdrawals", "withdrawals_on_time",
        "officers_total", "officers_certified",
        "reconsideration_litigation", "remedies_upheld", "remedies_corrected", "remedies_pending",
        "random_tasks", "random_targets", "random_coverage_high", "random_coverage_medium",
        "random_coverage_low", "random_concluded", "random_found", "random_results_published",
        "random_results_on_time_rate",
        "training_trained", "training_hours", "training_hours_per_officer",
        "training_sanxiang_rate", "training_reviewers_rate",
        "discretion_within", "discretion_outside", "discretion_outside_rate",
        "discretion_not_chosen", "discretion_no_penalty_within", "discretion_no_penalty_outside",
    }
)  # fmt: skip

#: The file's columns, each with the name an administrator sees for it.
COLUMNS = {
    "key": "代码",
    "section": "类别",
    "label": "指标",
    "unit": "单位",
    "definition": "统计口径",
    "source": "依据",
}
REQUIRED = ("key", "section", "label", "definition", "source")


#: Longest text each column may hold (the model's field lengths).
MAX_LENGTHS = {"key": 64, "section": 32, "label": 100, "unit": 8}


@dataclass(frozen=True)
class Definition:
    key: str
    section: str
    label: str
    unit: str
    definition: str
    source: str


class DefinitionsFileError(DataFileError):
    """The figures' file cannot be loaded; ``problems`` names each bad row."""


def definitions_read(path: Path = DEFINITIONS_FILE) -> dict[str, Definition]:
    """The figures ``path`` lists, in its order; refuses the whole file if any row is bad."""
    table = table_read(
        path, COLUMNS, required=REQUIRED, max_lengths=MAX_LENGTHS, error=DefinitionsFileError
    )
    found: dict[str, Definition] = {}
    first_line: dict[str, int] = {}
    for line, values in table.rows:
        key = values["key"]
        if key and key not in COMPUTED_KEYS:
            table.problems.append(f"第{line}行：代码“{key}”不是统计年报计算的指标，请核对拼写。")
        elif key in first_line:
            table.problems.append(f"第{line}行：代码“{key}”与第{first_line[key]}行重复。")
        elif key:
            first_line[key] = line
            found[key] = Definition(**values)
    absent = sorted(COMPUTED_KEYS - set(first_line))
    if absent:
        table.problems.append(
            f"缺少指标：{'、'.join(absent)}（年报计算这些指标，每项都要有一行）。"
        )
    table.refuse(DefinitionsFileError)
    return found


def annual_definitions() -> dict[str, Definition]:
    """The figures the report shows, in the order shown: the rows as administrators left them."""
    rows = AnnualFigureDefinition.objects.filter(key__in=COMPUTED_KEYS).order_by("position", "key")
    return {
        r.key: Definition(r.key, r.section, r.label, r.unit, r.definition, r.source) for r in rows
    }


def annual_definitions_load(*, path: Path = DEFINITIONS_FILE, replace: bool = False) -> LoadReport:
    """Load the figures of ``path``: add missing rows; keep (and report) rows that differ from
    the file unless ``replace``. Loading the same file twice changes nothing the second time."""
    wanted = definitions_read(path)  # refuses the whole file before anything is written
    return rows_sync(
        AnnualFigureDefinition,
        {
            (key,): {
                "position": position,
                "section": d.section,
                "label": d.label,
                "unit": d.unit,
                "definition": d.definition,
                "source": d.source,
            }
            for position, (key, d) in enumerate(wanted.items(), start=1)
        },
        identity=("key",),
        replace=replace,
    )
