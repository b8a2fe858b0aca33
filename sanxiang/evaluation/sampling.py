"""The campaign's sample, drawn with SX-DRAW-1 (``inspections.draw``), one draw per stratum.

Pure (no Django), so that the service and ``sanxiang evaluation verify`` run the same code.
A stratum is an agency (its 统一社会信用代码) and a procedure; its candidates are the public
identifiers of its closed cases (the 案件编号) sorted by their UTF-8 bytes, and its
"inspectors" are the campaign's evaluators, so that ``draw.run`` with ``m = 1`` draws both the
cases and the evaluator of each. Every stratum's seed is SX-DRAW-1's own: the hash of its
candidate list, of the evaluator list and of the one beacon.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sanxiang.inspections import draw


def evaluator_key(officer_id: int) -> str:
    """An evaluator's identifier in the draw's evaluator list."""
    return f"P{officer_id}"


def case_key(case_id: int, number: str | None) -> str:
    """A case's identifier in the draw: its 案件编号, or its platform number if it has none."""
    return number or f"ID{case_id}"


def stratum(
    *, agency: str, procedure: str, candidates: Sequence[str], per_stratum: int
) -> dict[str, Any]:
    """One stratum of the frame: its candidates sorted and hashed, and how many to draw."""
    ordered = draw.sorted_identifiers(list(candidates), what="案卷名单")
    return {
        "agency": agency,
        "procedure": procedure,
        "candidates": ordered,
        "candidates_sha256": draw.list_sha256(ordered),
        "k": min(per_stratum, len(ordered)),
    }


def sample(frame: Mapping[str, Any], beacon: str) -> list[dict[str, Any]]:
    """Per stratum, in the frame's order: its seed, the cases drawn and each one's evaluator."""
    evaluators = list(frame["evaluators"])
    drawn = []
    for s in frame["strata"]:
        result = draw.run(
            candidates=s["candidates"], inspectors=evaluators, beacons=[beacon], k=s["k"], m=1
        )
        drawn.append(
            {
                "agency": s["agency"],
                "procedure": s["procedure"],
                "seed": result.seed_hex,
                "cases": result.targets,
                "evaluators": {case: team[0] for case, team in result.teams.items()},
            }
        )
    return drawn


def positions(
    *, candidates_sha256: str, n: int, k: int, evaluators_sha256: str, evaluators: int, beacon: str
) -> tuple[str, list[int], list[int]]:
    """A stratum's draw from its published hashes and sizes alone: the seed, the places (from
    0, in the sorted case list) of the cases drawn, in drawn order, and the place (in the sorted
    evaluator list) of each one's evaluator. ``pick`` only moves places, so drawing from the
    places gives the places of what ``sample`` draws from the lists themselves; whoever holds a
    list (the evaluated agency holds its own) checks it against its hash and reads the cases."""
    seed = draw.seed_of(candidates_sha256, evaluators_sha256, [beacon])
    cases = draw.pick([str(i) for i in range(n)], k, b"target", seed)
    people = [
        draw.pick([str(i) for i in range(evaluators)], 1, b"inspector:" + str(t).encode(), seed)[0]
        for t in range(k)
    ]
    return seed.hex(), [int(i) for i in cases], [int(i) for i in people]
