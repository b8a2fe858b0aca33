"""The 情节 picker's form, read the same way on the case page and on the phone."""

from __future__ import annotations

from typing import Any

from sanxiang.cases.services.circumstances import Tick
from sanxiang.core.params import id_list_param


def ticks_from_form(data: Any) -> list[Tick]:
    """The 情节 picker's form (the case page's and the phone's): ``circumstance`` the ticked ids,
    ``evidence-<id>`` / ``document-<id>`` what shows each, ``note-<id>`` a short note. A value
    that is not an id refuses the whole form (``BadParameter``, a Chinese 400)."""
    return [
        Tick(
            circumstance_id=circumstance_id,
            evidence_ids=tuple(id_list_param(data, f"evidence-{circumstance_id}", label="证据")),
            document_ids=tuple(id_list_param(data, f"document-{circumstance_id}", label="文书")),
            note=str(data.get(f"note-{circumstance_id}", "")),
        )
        for circumstance_id in id_list_param(data, "circumstance", label="情节")
    ]
