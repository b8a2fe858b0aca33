"""``sanxiang restore BACKUP --into FOLDER``: rebuild an installation from a backup set.

Runs before Django is set up (the installation it builds does not exist yet), then hands over
to ``sanxiang restore-verify`` running *in* the new installation: it puts the evidence objects
into that installation's store and proves the result against the manifest.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from sanxiang.backup.files import (
    MANIFEST,
    WAL_DIR,
    BackupProblem,
    check_files,
    load_manifest,
    set_path,
)
from sanxiang.backup.postgres import (
    as_server_user,
    conf_quote,
    free_port,
    give_to_server_user,
    pg_ctl,
    pg_percent,
)

S3_ENV = ("SANXIANG_EVIDENCE_S3_BUCKET", "SANXIANG_EVIDENCE_S3_ENDPOINT",
          "SANXIANG_EVIDENCE_S3_REGION", "SANXIANG_EVIDENCE_S3_ACCESS_KEY",
          "SANXIANG_EVIDENCE_S3_SECRET_KEY")  # fmt: skip

USAGE = """sanxiang restore BACKUP --into FOLDER [--until TIME] [--pgdata DIR] [--port N]
                        [--replace]

把备份恢复为一个新的安装 / restore a backup into a fresh installation.
BACKUP 可以是备份区（取最新的一份，或 --until 之前完成的最新一份）或其中一份备份。"""


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sanxiang restore", usage=USAGE)
    parser.add_argument("backup", type=Path, help="备份区或一份备份 / backup area or set")
    parser.add_argument("--into", type=Path, required=True,
                        help="新安装的目录（新的 SANXIANG_VAR）/ the new SANXIANG_VAR")  # fmt: skip
    parser.add_argument("--until", help="恢复到该时刻（含时区，如 2026-12-06T10:00:00+08:00）")
    parser.add_argument("--pgdata", type=Path,
                        help="PostgreSQL 新数据目录（默认 FOLDER/postgresql）")  # fmt: skip
    parser.add_argument("--port", type=int, help="恢复后的 PostgreSQL 端口（默认同原服务器）")
    parser.add_argument("--replace", action="store_true",
                        help="目标不空时清空后恢复 / restore over a non-empty one")  # fmt: skip
    return parser


def main(argv: list[str]) -> int:
    options = _parser().parse_args(argv)
    try:
        return restore(options)
    except BackupProblem as problem:
        sys.stderr.write(f"恢复失败：{problem}\n")
        return 1


def _parse_until(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BackupProblem(f"--until 不是有效的时间：{text}") from None
    if moment.tzinfo is None:
        raise BackupProblem("--until 须带时区，例如 2026-12-06T10:00:00+08:00")
    return moment


def choose_set(backup: Path, until: datetime | None) -> Path:
    """The set itself, or the newest whole set of the area (finished before ``until``)."""
    if (backup / MANIFEST).is_file():
        return backup
    if not backup.is_dir():
        raise BackupProblem(f"找不到备份：{backup}")
    sets = sorted(p for p in backup.iterdir() if (p / MANIFEST).is_file())
    if not sets:
        raise BackupProblem(f"{backup} 中没有完整的备份")
    if until is None:
        return sets[-1]
    for candidate in reversed(sets):
        finished = datetime.fromisoformat(load_manifest(candidate)["finished_at"])
        if finished <= until:
            return candidate
    raise BackupProblem(f"{backup} 中没有在 {until.isoformat()} 之前完成的备份")


def _not_empty(folder: Path) -> bool:
    return folder.exists() and any(folder.iterdir())


def _s3_has_objects() -> bool:
    if not os.environ.get("SANXIANG_EVIDENCE_S3_BUCKET"):
        return False
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=os.environ.get("SANXIANG_EVIDENCE_S3_ENDPOINT") or None,
        region_name=os.environ.get("SANXIANG_EVIDENCE_S3_REGION") or None,
        aws_access_key_id=os.environ.get("SANXIANG_EVIDENCE_S3_ACCESS_KEY"),
        aws_secret_access_key=os.environ.get("SANXIANG_EVIDENCE_S3_SECRET_KEY"),
    )
    from botocore.exceptions import BotoCoreError, ClientError

    bucket = os.environ["SANXIANG_EVIDENCE_S3_BUCKET"]
    try:
        found = client.list_object_versions(Bucket=bucket, MaxKeys=1)
    except (BotoCoreError, ClientError) as error:
        raise BackupProblem(f"无法访问证据存储桶 {bucket}：{error}") from None
    return bool(found.get("Versions") or found.get("DeleteMarkers"))


def restore(options: argparse.Namespace) -> int:
    started = time.monotonic()
    until = _parse_until(options.until)
    newest = load_manifest(choose_set(options.backup.resolve(), None))
    engine = newest["database"]["engine"]
    into: Path = options.into.resolve()
    pgdata: Path = (options.pgdata or into / "postgresql").resolve()
    if until is not None and engine != "postgresql":
        raise BackupProblem("SQLite 的备份只能恢复到备份时刻，不支持 --until")
    backup_set = choose_set(options.backup.resolve(), until)
    manifest = load_manifest(backup_set)
    if until is not None and not manifest["database"].get("wal_archive"):
        raise BackupProblem("这份备份没有 WAL 归档，只能恢复到备份时刻，不支持 --until")
    _refuse_overlap(backup_set, manifest, (into, pgdata))
    for folder in (into, pgdata):
        if _not_empty(folder) and not options.replace:
            raise BackupProblem(
                f"{folder} 不是空目录：只恢复到全新的安装（确需覆盖请加 --replace）"
            )
    if _s3_has_objects() and not options.replace:
        raise BackupProblem(
            f"证据存储桶 {os.environ['SANXIANG_EVIDENCE_S3_BUCKET']} 不是空的："
            "只恢复到全新的存储桶（确需写入请加 --replace）"
        )
    _say(f"备份：{backup_set}（{manifest['started_at']} 开始，{manifest['finished_at']} 完成）")
    checked = check_files(backup_set, manifest)
    _say(f"备份文件：{len(manifest['files'])} 个，{checked} 字节，SHA-256 均与清单一致。")
    for folder in (into, pgdata):
        if _not_empty(folder):
            shutil.rmtree(folder)
    into.mkdir(mode=0o700, parents=True, exist_ok=True)
    _restore_var_files(backup_set, manifest, into)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SANXIANG_VAR")}
    env["SANXIANG_VAR"] = str(into)
    if engine == "postgresql":
        server = _restore_postgresql(backup_set, manifest, pgdata, into, until, options.port)
        try:
            env["DATABASE_URL"] = server.url
            code = _verify(backup_set, env)
        finally:
            server.stop()
        _say(
            f"PostgreSQL 数据目录：{pgdata}（端口 {server.final_port}）。启动： ".join(
                [*as_server_user(), "pg_ctl", "-D", str(pgdata), "start"]
            )
        )
        _say(f"DATABASE_URL={server.url_at(server.final_port)}")
    else:
        target = into / "db.sqlite3"
        shutil.copyfile(backup_set / "database" / "db.sqlite3", target)
        target.chmod(0o600)
        _say(f"数据库：已恢复为 {target}")
        code = _verify(backup_set, env)
    elapsed = time.monotonic() - started
    _say(f"{'恢复完成' if code == 0 else '恢复校验未通过'}，用时 {elapsed:.1f} 秒。")
    return code


def _is_area(folder: Path) -> bool:
    """Whether ``folder`` holds backup sets or a WAL archive (not merely one set's parent)."""
    if (folder / WAL_DIR).exists():
        return True
    return sum(1 for path in folder.iterdir() if (path / MANIFEST).is_file()) > 1


def _refuse_overlap(backup_set: Path, manifest: dict[str, Any], folders: tuple[Path, ...]) -> None:
    """Refuse (before anything is deleted) a target that holds the backup, its area or its WAL
    archive, or lies inside one of them: ``--replace`` would delete the backup it restores."""
    backup_set = backup_set.resolve()
    area = backup_set.parent
    guarded = [backup_set]
    if manifest["database"].get("wal_archive") or _is_area(area):
        guarded += [area, area / WAL_DIR]
    for folder in folders:
        for kept in guarded:
            if folder == kept or folder in kept.parents or kept in folder.parents:
                raise BackupProblem(
                    f"{folder} 与备份 {kept} 重叠：恢复目标不能包含备份、备份区或其 WAL 归档，"
                    "也不能在其中（--replace 会删掉备份本身）"
                )


def _restore_var_files(backup_set: Path, manifest: dict[str, Any], into: Path) -> None:
    """Copy the installation files the manifest lists (``var/…``), and only those; a symlink
    in the set is refused, never followed."""
    for entry in manifest["files"]:
        relative = entry["path"]
        if not relative.startswith("var/"):
            continue
        source = set_path(backup_set, relative)
        if source.is_symlink() or not source.is_file():
            raise BackupProblem(f"备份文件不是普通文件：{relative}")
        target = into.joinpath(*Path(relative).parts[1:])
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle, target.open("wb") as out:
            shutil.copyfileobj(handle, out, 1024 * 1024)
        target.chmod(0o600)


def _verify(backup_set: Path, env: dict[str, str]) -> int:
    """``sanxiang restore-verify --objects`` in the new installation."""
    command = [sys.executable, "-m", "sanxiang.cli", "restore-verify", str(backup_set), "--objects"]
    return subprocess.run(command, env=env, check=False).returncode  # noqa: S603 - our own


class _Server:
    def __init__(self, pgdata: Path, manifest: dict[str, Any], port: int, final_port: int):
        self.pgdata, self.port, self.final_port = pgdata, port, final_port
        self.user, self.name = manifest["database"]["user"], manifest["database"]["name"]

    def url_at(self, port: int) -> str:
        return f"postgres://{self.user}@127.0.0.1:{port}/{self.name}"

    @property
    def url(self) -> str:
        return self.url_at(self.port)

    sockets: Path | None = None

    def stop(self) -> None:
        pg_ctl(self.pgdata, "-m", "fast", "-w", "stop")
        if self.sockets is not None:
            shutil.rmtree(self.sockets, ignore_errors=True)


def _restore_postgresql(
    backup_set: Path, manifest: dict[str, Any], pgdata: Path, into: Path,
    until: datetime | None, port: int | None,
) -> _Server:  # fmt: skip
    """Unpack the base backup, replay the archived WAL (to its end or to ``until``) on a private
    loopback port, and wait for the server to come out of recovery."""
    database = backup_set / "database"
    pgdata.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tarfile.open(database / "base.tar") as archive:
        archive.extractall(pgdata, filter="data")
    with tarfile.open(database / "pg_wal.tar") as archive:
        archive.extractall(pgdata / "pg_wal", filter="data")
    if not (pgdata / "postgresql.conf").exists():  # a Debian cluster keeps it in /etc
        (pgdata / "postgresql.conf").write_text("listen_addresses = 'localhost'\n")
    if not (pgdata / "pg_hba.conf").exists():
        (pgdata / "pg_hba.conf").write_text(
            "local all postgres peer\n"
            "host all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n"
        )
    final_port = port or int(manifest["database"]["port"])
    wal = manifest["database"].get("wal_archive")
    lines = ["", "# sanxiang restore: recovery from the backup set", f"port = {final_port}",
             "recovery_target_action = 'promote'",
             # The restored server must not archive into the old server's archive.
             "archive_mode = off"]  # fmt: skip
    if wal:
        source = (backup_set.parent / WAL_DIR).resolve()
        lines.append(f"restore_command = {conf_quote(restore_command(source))}")
    if until is not None:
        lines.append(f"recovery_target_time = '{until.isoformat()}'")
    with (pgdata / "postgresql.auto.conf").open("a", encoding="utf-8") as conf:
        conf.write("\n".join(lines) + "\n")
    (pgdata / "recovery.signal").touch()
    pgdata.chmod(0o700)
    (pgdata / "restore.log").touch(mode=0o600)
    give_to_server_user(pgdata)
    sockets = Path(tempfile.mkdtemp(prefix="sanxiang-restore-"))
    give_to_server_user(sockets)
    if os.geteuid() == 0 and into in pgdata.parents:
        into.chmod(0o711)  # the server (user postgres) must reach its folder; lists nothing
    log = pgdata / "restore.log"
    server = _Server(pgdata, manifest, free_port(), final_port)
    server.sockets = sockets
    _say("数据库：已解开基础备份，正在重放 WAL 归档……")
    started = pg_ctl(
        pgdata, "-w", "-t", "3600", "-o",
        f"-p {server.port} -c listen_addresses=127.0.0.1 -k {shlex.quote(str(sockets))}", "start",
        log=log,
    )  # fmt: skip
    if started.returncode != 0:
        shutil.rmtree(sockets, ignore_errors=True)
        raise BackupProblem(f"恢复的数据库未能启动：{_fatal(log)}")
    try:
        _wait_promoted(server, log)
    except BackupProblem:
        server.stop()
        raise
    replayed = len(list((backup_set.parent / WAL_DIR).glob("0*"))) if wal else 0
    target = f"到 {until.isoformat()}" if until else "到归档的末尾"
    _say(f"数据库：WAL 已重放{target}（归档中共 {replayed} 个段），已转为可写。")
    return server


def restore_command(wal: Path) -> str:
    """The shell command that fetches a segment from the WAL archive ``wal``, quoted."""
    return f"cp {shlex.quote(f'{pg_percent(str(wal))}/%f')} %p"


def _fatal(log: Path) -> str:
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    fatal = [line for line in lines if "FATAL" in line or "PANIC" in line]
    reason = (fatal or lines or ["（无日志）"])[-1]
    if "before configured recovery target was reached" in reason:
        return f"WAL 归档未到达 --until 指定的时刻（{reason}）；日志：{log}"
    return f"{reason}；日志：{log}"


def _wait_promoted(server: _Server, log: Path) -> None:
    import psycopg

    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(server.url, connect_timeout=5) as conn:
                row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
                if row is not None and not row[0]:
                    return
        except psycopg.OperationalError:
            if pg_ctl(server.pgdata, "status").returncode != 0:
                raise BackupProblem(f"恢复的数据库已停止：{_fatal(log)}") from None
        time.sleep(0.2)
    raise BackupProblem(f"恢复的数据库一小时内未完成 WAL 重放；日志：{log}")
