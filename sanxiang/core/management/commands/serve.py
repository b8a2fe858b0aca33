"""``sanxiang serve``: the production WSGI server (gunicorn), as ``make run`` uses it.

Pages name their CSS and scripts through the collected files' manifest, so serving without it
would answer every page with 500. Before starting, serve therefore collects the static files
into SANXIANG_VAR/static when they are missing or older than the installed code (after an
upgrade), or, with ``--no-collectstatic``, refuses to start and says what to run.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from sanxiang.core.processes import process_alive
from sanxiang.core.scratch import leftovers_remove

logger = logging.getLogger(__name__)


def static_files_problem() -> str | None:
    """Why the collected static files cannot serve this version (in English), or None.

    Only a manifest-based storage (the default) needs collecting before pages render.
    """
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return None
    manifest = Path(staticfiles_storage.path(staticfiles_storage.manifest_name))
    try:
        collected = set(json.loads(manifest.read_text(encoding="utf-8"))["paths"])
        collected_at = manifest.stat().st_mtime
    except FileNotFoundError:
        return "not collected yet"
    except (OSError, ValueError, KeyError, TypeError):
        return f"manifest {manifest.name} unreadable"
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            if path not in collected:
                return f"{path} is new since the last collection"
            try:
                if os.stat(storage.path(path)).st_mtime > collected_at:
                    return f"{path} changed since the last collection"
            except (NotImplementedError, OSError):
                return f"{path} cannot be compared with the collection"
    return None


def prometheus_dir_prepare(run_dir: Path) -> Path:
    """An empty folder for this server's workers' metric samples (prometheus_client's
    multiprocess mode), named in PROMETHEUS_MULTIPROC_DIR before any worker starts:
    ``run/prometheus/<pid>``, removing the folders of servers that are gone (their samples would
    be added to this one's). A folder given in the environment is used as it is, emptied."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        folder = Path(given)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):
            stale.unlink(missing_ok=True)
    else:
        parent = run_dir / "prometheus"
        parent.mkdir(mode=0o700, exist_ok=True)
        for other in parent.iterdir():
            if other.is_dir() and other.name.isdigit() and not process_alive(int(other.name)):
                shutil.rmtree(other, ignore_errors=True)
        folder = parent / str(os.getpid())
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(mode=0o700)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    return folder


class _JsonLogger(Logger):  # type: ignore[misc]  # gunicorn ships no type information
    """gunicorn's own lines (start, workers, timeouts) in the JSON of SANXIANG_LOG_FORMAT."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        from sanxiang.core.logs import JsonFormatter

        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())


def _child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def _post_worker_init(worker: Any) -> None:
    """Once a worker has loaded the application, set what it loaded aside from the garbage
    collector: the URL patterns are imported (else on the first request, with every view
    module), the garbage so far collected, and every object alive now frozen (``gc.freeze``).

    A loaded worker holds about 200,000 objects that live as long as it does (modules, classes,
    models, templates, the procedure declarations). Python's oldest generation is collected
    after enough new objects have survived, and each such collection walked all of them: about
    85 ms with the GIL held, so the pages the worker's other threads were drawing waited as
    long (docs/operations/performance.md, "Tenth round"). Frozen, they are never walked again;
    only what requests leave behind is. A view module that fails to import now stops the
    worker as it starts (and gunicorn the server), rather than answering its pages with 500."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and its views
    gc.collect()
    gc.freeze()


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
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="refuse to start when static files are missing or stale instead of collecting",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problem = static_files_problem()
        if problem and options["no_collectstatic"]:
            raise CommandError(
                "静态文件尚未收集或已过期，请先运行 sanxiang collectstatic --noinput / "
                f"static files are not collected or stale ({problem}): "
                "run `sanxiang collectstatic --noinput` first",
                returncode=2,
            )
        if problem:
            logger.info("collecting static files into %s: %s", settings.STATIC_ROOT, problem)
            self.stdout.write(
                f"正在收集静态文件到 {settings.STATIC_ROOT} / collecting static files ({problem})"
            )
            call_command("collectstatic", interactive=False, verbosity=0)
        host = options["host"]
        bind = f"[{host}]:{options['port']}" if ":" in host else f"{host}:{options['port']}"
        log_dir = settings.LOG_DIR
        run_dir = settings.VAR_DIR / "run"
        run_dir.mkdir(mode=0o700, exist_ok=True)
        control_socket = run_dir / "gunicorn.ctl"
        prometheus_dir_prepare(run_dir)
        if settings.CLUSTER and settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
            call_command("createcachetable", verbosity=0)  # idempotent
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
                # gthread, closing connections off its main loop (core/gunicorn_worker.py).
                "worker_class": "sanxiang.core.gunicorn_worker.Worker",
                # A worker takes a connection only when one of its threads is free for it
                # (worker_connections = threads, which also leaves no room for kept-alive
                # connections: one request per connection; keepalive 0 says so, and spares
                # gunicorn's warning). Every request waits in the kernel's one queue for
                # whichever worker is free first. A kept-alive connection would tie its client
                # to the worker that happened to accept it, and with few busy clients one
                # worker's queue decided every page's time (performance.md, "Eleventh round").
                # A proxy in front keeps the browsers' connections alive.
                "keepalive": 0,
                "worker_connections": options["threads"],
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
                # A worker that exits leaves its samples; its live gauges are dropped.
                "child_exit": _child_exit,
                "post_worker_init": _post_worker_init,
                **({"logger_class": _JsonLogger} if settings.LOG_FORMAT == "json" else {}),
            }
        ).run()
