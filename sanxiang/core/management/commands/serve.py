"""``sanxiang serve``: the production WSGI server (gunicorn), as ``make run`` uses it."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from gunicorn.app.base import BaseApplication

from sanxiang.core.scratch import leftovers_remove


class _Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type information
    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from sanxiang.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve the office and the portal with gunicorn (not the development server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("SANXIANG_WORKERS", "2")),
            help="worker processes (default: SANXIANG_WORKERS or 2)",
        )
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **options: Any) -> None:
        host = options["host"]
        bind = f"[{host}]:{options['port']}" if ":" in host else f"{host}:{options['port']}"
        log_dir = settings.LOG_DIR
        run_dir = settings.VAR_DIR / "run"
        run_dir.mkdir(mode=0o700, exist_ok=True)
        control_socket = run_dir / "gunicorn.ctl"
        # Uploads, half-written blobs and conversions a crash left behind hold personal data.
        removed = leftovers_remove()
        if removed:
            self.stdout.write(f"Removed {len(removed)} leftover temporary file(s) of a crash.")
        self.stdout.write(
            f"Sanxiang serving on http://{bind}/ (office: /office/, portal: /gongshi/)"
        )
        _Server(
            {
                "bind": bind,
                "workers": options["workers"],
                "threads": options["threads"],
                "worker_class": "gthread",
                "timeout": 60,
                "graceful_timeout": 20,
                "accesslog": str(log_dir / "access.log"),
                "errorlog": "-",
                "forwarded_allow_ips": os.environ.get("SANXIANG_FORWARDED_ALLOW_IPS", "127.0.0.1"),
                "limit_request_line": 8190,
                "proc_name": "sanxiang",
                # gunicorn's control socket (for `gunicornc`) stays inside this installation;
                # a Unix socket path must fit in 108 bytes, so a deep SANXIANG_VAR disables it.
                "control_socket": str(control_socket),
                "control_socket_disable": len(str(control_socket).encode()) > 100,
            }
        ).run()
