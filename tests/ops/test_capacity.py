"""The capacity model (bench/capacity.py) reads its figures from the data files, so an operator's
own measurements change its answer: a core twice as fast at office pages halves the cores they
need; every figure and assumption names its source."""

from __future__ import annotations

import copy
import importlib.util
import subprocess
import sys
from types import ModuleType

from tests.conftest import REPO


def _capacity() -> ModuleType:
    spec = importlib.util.spec_from_file_location("capacity", REPO / "bench" / "capacity.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_model_follows_the_measured_figures_and_the_assumptions():
    capacity = _capacity()
    measured, scenarios = capacity.load(capacity.MEASURED), capacity.load(capacity.SCENARIOS)
    base = capacity.model(measured, scenarios)
    assert list(base) == ["county", "city", "province"]
    assert base["province"]["general_cases"] == 100 * base["county"]["general_cases"]
    # Evidence: hours x bitrate, in decimal terabytes.
    county = base["county"]
    case = scenarios["per_case"]
    assert county["evidence_tb"] == county["bodycam_hours"] * 3600 * case["bodycam_mbit_s"] / 8e6

    faster = copy.deepcopy(measured)
    faster["office_page"]["per_core_per_s"] *= 2
    again = capacity.model(faster, scenarios)["province"]
    assert again["cores_office_page"] == base["province"]["cores_office_page"] / 2
    assert again["app_nodes"] < base["province"]["app_nodes"]

    for figure in measured.values():
        assert figure["source"].strip() and figure["per_core_per_s"] > 0
    for section in ("per_county", "per_case", "traffic", "sizing"):
        for key in scenarios[section]:
            if not key.endswith("_source"):
                assert scenarios[section][f"{key}_source"].strip(), key


def test_the_script_prints_the_table_and_its_sources():
    printed = subprocess.run(
        [sys.executable, str(REPO / "bench" / "capacity.py"), "--sources"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    assert "evidence TB / year" in printed and "app nodes (computed)" in printed
    assert "docs/operations/api.md" in printed
