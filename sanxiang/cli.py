"""The ``sanxiang`` command: django-admin with Sanxiang's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command, e.g. ``sanxiang workdays add 2025-09-30 3``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sanxiang", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
