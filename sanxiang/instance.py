"""The installation's own directory (``SANXIANG_VAR``) and the secrets kept in it.

Everything an installation writes — the SQLite database, the secret key, signing keys,
evidence blobs, logs, collected static files — lives under one directory, so two installations
on one machine never collide and a backup is this folder plus the database.
"""

from __future__ import annotations

import os
import secrets
import string
from collections.abc import Callable
from pathlib import Path

_SECRET_KEY_ALPHABET = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"


def var_dir() -> Path:
    """Return the installation directory, creating it (private to the owner) on first use."""
    path = Path(os.environ.get("SANXIANG_VAR", "var")).resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def private_file(name: str, *, create: Callable[[], bytes] | None = None) -> Path:
    """Return ``var/<name>``; if absent and ``create`` is given, write ``create()`` (mode 0600).

    The file is created with O_EXCL so two processes starting at once cannot both write a
    different secret: the loser reads the winner's file.
    """
    path = var_dir() / name
    if create is not None and not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path
        with os.fdopen(fd, "wb") as handle:
            handle.write(create())
    return path


def secret_key(*, generate: bool = True) -> str:
    """The Django secret key: ``SANXIANG_SECRET_KEY`` or one generated into ``var/secret_key``.

    ``generate=False`` (several nodes, ``SANXIANG_CLUSTER``): a key made here would differ from
    the other nodes' and end every session that moves between them, so a missing one stops the
    start with a message saying what to set.
    """
    from_env = os.environ.get("SANXIANG_SECRET_KEY", "").strip()
    if from_env:
        return from_env
    if not generate:
        path = var_dir() / "secret_key"
        if path.is_file():
            return path.read_text(encoding="utf-8").strip()
        raise RuntimeError(
            "SANXIANG_CLUSTER is on: set SANXIANG_SECRET_KEY to the same value on every node "
            f"(or copy one node's {path} to the others); a key generated here would end the "
            "sessions of every request another node served"
        )

    def new_key() -> bytes:
        return "".join(secrets.choice(_SECRET_KEY_ALPHABET) for _ in range(64)).encode()

    path = private_file("secret_key", create=new_key)
    return path.read_text(encoding="utf-8").strip()
