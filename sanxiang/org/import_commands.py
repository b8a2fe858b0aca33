"""What every ``sanxiang … import FILE --agency CREDIT_CODE`` command does around its service:
find the agency, read the file, and print every refused row (in Chinese, as the page shows)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError, OutputWrapper

from sanxiang.org.importing import ImportRejected
from sanxiang.org.models import Agency


def import_source(credit_code: str, path: Path) -> tuple[Agency, bytes]:
    """The agency named by its 统一社会信用代码 and the file's bytes, or a CommandError."""
    agency = Agency.objects.filter(credit_code=credit_code.strip().upper()).first()
    if agency is None:
        raise CommandError(f"没有统一社会信用代码为 {credit_code} 的执法主体。")
    try:
        return agency, path.read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc


def import_refused(stderr: OutputWrapper, refused: ImportRejected) -> CommandError:
    """Print each bad row, and the error the command exits with."""
    for error in refused.errors:
        stderr.write(f"第 {error.row} 行「{error.column}」：{error.message}")
    return CommandError(refused.message)
