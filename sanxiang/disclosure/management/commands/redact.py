"""``sanxiang redact FILE``: a decision's text with natural persons' personal data masked."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxiang.disclosure.redaction import redact
from sanxiang.disclosure.redaction_eval import evaluate, load

EXIT_REFUSED = 2
_REASONS: dict[type[OSError], str] = {
    FileNotFoundError: "文件不存在",
    IsADirectoryError: "这是一个目录，不是文件",
    PermissionError: "没有读取权限",
}


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (a BOM is dropped); GB18030, which includes GBK and GB2312, when that fails."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise CommandError(
                f"{name} 不是有效的 UTF-8 或 GB18030 文本"
                f"（第 {utf8_error.start + 1} 字节起无法解码） / not UTF-8 or GB18030 text",
                returncode=EXIT_REFUSED,
            ) from utf8_error


class Command(BaseCommand):
    help = (
        "Print a decision's text with natural persons' personal data masked for publication "
        "(执法公示去标识化): ID numbers, phones, bank cards, plates, home addresses and the given "
        "names. FILE is read as UTF-8, or as GB18030 (GBK) when it is not valid UTF-8; '-' reads "
        "standard input. Output is UTF-8. With --evaluate DIR, prints recall and precision per "
        "category on a labelled set instead (data/redaction-eval/README.md)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", help="the decision's text (UTF-8 or GB18030), or - for stdin"
        )
        parser.add_argument(
            "--party",
            action="append",
            default=[],
            metavar="NAME",
            help="name of a natural-person party or witness (自然人当事人、证人), repeatable",
        )
        parser.add_argument(
            "--address",
            action="append",
            default=[],
            metavar="TEXT",
            help="a natural person's address as registered in the case, repeatable",
        )
        parser.add_argument(
            "--organisation",
            action="append",
            default=[],
            metavar="NAME",
            help="an organisation's name, kept public even where it contains a name, repeatable",
        )
        parser.add_argument(
            "--public",
            action="append",
            default=[],
            metavar="TEXT",
            help="data known to be public, never masked however it is written: an officer's "
            "name or 执法证 number, the agency's address or telephone; repeatable",
        )
        parser.add_argument(
            "--evaluate",
            metavar="DIR",
            help="score the redaction on the labelled *.jsonl files in DIR "
            "(e.g. data/redaction-eval) and print recall and precision per category",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="print {text, findings: [{kind, start, end, original, replacement}]}; "
            "offsets count characters (code points) of the decoded text",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["evaluate"]:
            self._evaluate(Path(options["evaluate"]))
            return
        name = options["file"]
        if name is None:
            raise CommandError(
                "请指定决定书文件（或 - 表示标准输入），或用 --evaluate 指定评测集目录"
                " / give a FILE, - for stdin, or --evaluate DIR",
                returncode=EXIT_REFUSED,
            )
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            reason = _REASONS.get(type(exc), exc.strerror or str(exc))
            raise CommandError(
                f"无法读取文件 {name}：{reason} / cannot read {name}", returncode=EXIT_REFUSED
            ) from exc
        try:
            result = redact(
                _decode(data, "标准输入" if name == "-" else name),
                persons=options["party"],
                addresses=options["address"],
                organisations=options["organisation"],
                public=options["public"],
            )
        except ValueError as exc:
            raise CommandError(str(exc), returncode=EXIT_REFUSED) from exc
        if isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(encoding="utf-8")  # whatever the locale says
        if options["json"]:
            payload = {
                "text": result.text,
                "findings": [
                    {
                        "kind": f.kind,
                        "start": f.start,
                        "end": f.end,
                        "original": f.original,
                        "replacement": f.replacement,
                    }
                    for f in result.findings
                ],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(result.text, ending="")  # byte for byte outside the findings

    def _evaluate(self, directory: Path) -> None:
        if not directory.is_dir() or not any(directory.glob("*.jsonl")):
            raise CommandError(
                f"{directory} 不是含有 *.jsonl 评测文件的目录 / no *.jsonl files in {directory}",
                returncode=EXIT_REFUSED,
            )
        try:
            report = evaluate(load(directory))
        except (ValueError, KeyError, TypeError) as exc:  # malformed JSON or spans
            raise CommandError(
                f"评测文件格式不正确：{exc} / malformed evaluation file", returncode=EXIT_REFUSED
            ) from exc
        if isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(encoding="utf-8")
        self.stdout.write(report.table())
        for case, category, text in report.missed:
            self.stdout.write(f"missed {case} {category}: {text!r}")
        for case, kind, text in report.wrong:
            self.stdout.write(f"false positive {case} {kind}: {text!r}")
