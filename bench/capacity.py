"""The capacity model of docs/operations/capacity.md: a county's, a city's and a province's year
of enforcement work, and the cores and nodes it needs, computed from per-core figures the
benches measured.

Two data files, both meant to be edited:

- ``data/capacity/measured.toml``: per-core figures (portal reads, office pages, API writes, case
  steps, PDF conversions, evidence ingest, ledger appends), each with the bench and the note it
  came from. Put your own measurements there (run the same benches on your hardware).
- ``data/capacity/scenarios.toml``: the workload per county (cases, inspections, permits,
  officers), per case (PDFs, ledger entries, body-camera hours and bitrate), the traffic shape
  and the node size; each value cites its source or says 待核.

Run: ``.venv/bin/python bench/capacity.py [--measured FILE] [--scenarios FILE] [--sources]``.
Needs nothing but Python (no Django, no database).
"""

from __future__ import annotations

import argparse
import math
import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
MEASURED = REPO / "data" / "capacity" / "measured.toml"
SCENARIOS = REPO / "data" / "capacity" / "scenarios.toml"

# What the app nodes serve at the peak hour, and which measured figure each divides by.
APP_LOADS = ("portal_read", "office_page", "api_write", "case_step", "evidence_ingest")


def load(path: Path) -> dict[str, Any]:
    with path.open("rb") as file:
        return tomllib.load(file)


def model(measured: dict[str, Any], scenarios: dict[str, Any]) -> dict[str, dict[str, float]]:
    """For each scenario: the year's volumes, the peak rates, the cores and the nodes."""
    county = scenarios["per_county"]
    case = scenarios["per_case"]
    traffic = scenarios["traffic"]
    sizing = scenarios["sizing"]
    rate = {name: float(figure["per_core_per_s"]) for name, figure in measured.items()}
    working_seconds = traffic["working_days"] * traffic["working_hours"] * 3600
    peak = traffic["peak_factor"] / working_seconds  # a year's count -> per second at peak
    usable = sizing["cores_per_node"] * sizing["target_utilisation"]

    results: dict[str, dict[str, float]] = {}
    for name, scenario in scenarios["scenario"].items():
        n = scenario["counties"]
        general, simple = county["general_cases"] * n, county["simple_cases"] * n
        inspections, permits = county["inspections"] * n, county["permits"] * n
        officers = county["officers"] * n
        publications = general + simple + inspections + permits
        portal_views = publications * traffic["portal_views_per_publication"]
        office_pages = officers * traffic["office_pages_per_officer_day"] * traffic["working_days"]
        steps = general * case["steps_general"] + simple + inspections
        pdfs = general * case["pdfs_general"] + simple * case["pdfs_simple"]
        ledger = (
            general * case["ledger_general"]
            + simple * case["ledger_simple"]
            + inspections * case["ledger_inspection"]
            + permits * case["ledger_permit"]
        )
        hours = (
            general * case["bodycam_hours_general"]
            + simple * case["bodycam_hours_simple"]
            + inspections * case["bodycam_hours_inspection"]
        )
        evidence_bytes = hours * 3600 * case["bodycam_mbit_s"] * 1e6 / 8
        evidence_mib = evidence_bytes / 2**20

        yearly = {
            "portal_read": portal_views,
            "office_page": office_pages,
            "api_write": permits,
            "case_step": steps,
            "evidence_ingest": evidence_mib,
        }
        app_cores = {load: yearly[load] * peak / rate[load] for load in APP_LOADS}
        # The queue spreads conversions over the working day: no peak factor for the workers.
        worker_cores = pdfs / working_seconds / rate["pdf"]
        app_total = sum(app_cores.values())
        results[name] = {
            "counties": n,
            "general_cases": general,
            "simple_cases": simple,
            "inspections": inspections,
            "permits": permits,
            "publications": publications,
            "portal_views": portal_views,
            "office_pages": office_pages,
            "pdfs": pdfs,
            "ledger_entries": ledger,
            "bodycam_hours": hours,
            "evidence_tb": evidence_bytes / 1e12,
            "peak_portal_per_s": portal_views * peak,
            "peak_office_per_s": office_pages * peak,
            "peak_ledger_per_s": ledger * peak,
            **{f"cores_{load}": cores for load, cores in app_cores.items()},
            "app_cores": app_total,
            "worker_cores": worker_cores,
            "app_nodes": max(1, math.ceil(app_total / usable)),
            "worker_nodes": max(1, math.ceil(worker_cores / usable)),
        }
    return results


ROWS = (
    ("counties", "county-level areas", "{:,.0f}"),
    ("general_cases", "general-procedure cases / year", "{:,.0f}"),
    ("simple_cases", "on-the-spot (简易) cases / year", "{:,.0f}"),
    ("inspections", "inspections / year", "{:,.0f}"),
    ("permits", "permits (API writes) / year", "{:,.0f}"),
    ("publications", "publications / year", "{:,.0f}"),
    ("portal_views", "portal + read-API views / year", "{:,.0f}"),
    ("office_pages", "office pages / year", "{:,.0f}"),
    ("pdfs", "PDF conversions / year", "{:,.0f}"),
    ("ledger_entries", "ledger entries / year", "{:,.0f}"),
    ("bodycam_hours", "body-camera hours / year", "{:,.0f}"),
    ("evidence_tb", "evidence TB / year", "{:,.2f}"),
    ("peak_portal_per_s", "peak portal reads / s", "{:,.2f}"),
    ("peak_office_per_s", "peak office pages / s", "{:,.2f}"),
    ("peak_ledger_per_s", "peak ledger appends / s", "{:,.2f}"),
    ("cores_portal_read", "cores: portal reads", "{:,.2f}"),
    ("cores_office_page", "cores: office pages", "{:,.2f}"),
    ("cores_api_write", "cores: API writes", "{:,.3f}"),
    ("cores_case_step", "cores: case steps", "{:,.3f}"),
    ("cores_evidence_ingest", "cores: evidence ingest", "{:,.3f}"),
    ("app_cores", "app cores at peak", "{:,.2f}"),
    ("worker_cores", "PDF worker cores", "{:,.2f}"),
    ("app_nodes", "app nodes (computed)", "{:,.0f}"),
    ("worker_nodes", "worker nodes (computed)", "{:,.0f}"),
)


def table(results: dict[str, dict[str, float]]) -> str:
    names = list(results)
    width = max(len(label) for _, label, _ in ROWS)
    lines = [f"{'':{width}}  " + "  ".join(f"{name:>14}" for name in names)]
    for key, label, form in ROWS:
        cells = "  ".join(f"{form.format(results[name][key]):>14}" for name in names)
        lines.append(f"{label:{width}}  {cells}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measured", type=Path, default=MEASURED)
    parser.add_argument("--scenarios", type=Path, default=SCENARIOS)
    parser.add_argument("--sources", action="store_true", help="print each figure's source")
    args = parser.parse_args()
    measured, scenarios = load(args.measured), load(args.scenarios)
    print(table(model(measured, scenarios)))
    sizing = scenarios["sizing"]
    print(
        f"\nnodes of {sizing['cores_per_node']} cores used to {sizing['target_utilisation']:.0%};"
        " per-core figures from",
        args.measured,
    )
    if args.sources:
        print()
        for name, figure in measured.items():
            print(f"{name}: {figure['per_core_per_s']} / s per core — {figure['source']}")


if __name__ == "__main__":
    main()
