"""Write the declared procedures as tables into docs/operations/cases.md.

    SANXIANG_VAR=$(mktemp -d) .venv/bin/python scripts/procedure_tables.py [--check]

The tables are read from ``sanxiang/cases/workflow/definitions.py`` (steps with their guards,
what each records and its time limit; activities; documents). ``--check`` exits 1 if the file
disagrees; tests/cases/test_declaration_table.py checks the same.
"""

import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
django.setup()

from sanxiang.cases.workflow.definitions import PROCEDURES  # noqa: E402
from sanxiang.cases.workflow.tables import procedures_markdown, replace_block  # noqa: E402

DOC = Path(__file__).resolve().parents[1] / "docs" / "operations" / "cases.md"
text = DOC.read_text(encoding="utf-8")
wanted = replace_block(text, procedures_markdown(list(PROCEDURES.values())))
if "--check" in sys.argv[1:]:
    if wanted != text:
        sys.exit(f"{DOC} disagrees with the declarations; run scripts/procedure_tables.py")
elif wanted != text:
    DOC.write_text(wanted, encoding="utf-8")
    print(f"wrote {DOC}")
