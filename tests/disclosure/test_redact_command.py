"""``sanxiang redact``: in process through call_command and as the installed command."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import SANXIANG
from tests.disclosure.test_redaction import CREDIT_CODE, id_number

ID = id_number("350203", date(1985, 3, 7), 1)
DECISION = (
    f"当事人：王小明，身份证号码：{ID}，手机13859012345。\n"
    f"经营者为厦门王小明水果店（统一社会信用代码：{CREDIT_CODE}）。\n"
)
REDACTED = (
    f"当事人：王某，身份证号码：3502**********{ID[-4:]}，手机138****2345。\n"
    f"经营者为厦门王小明水果店（统一社会信用代码：{CREDIT_CODE}）。\n"
)
ARGS = ["--party", "王小明", "--organisation", "厦门王小明水果店"]


@pytest.fixture
def decision(tmp_path: Path) -> Path:
    path = tmp_path / "决定书.txt"
    path.write_text(DECISION, encoding="utf-8")
    return path


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "gb18030"}  # output is UTF-8 regardless
    return subprocess.run(
        [str(SANXIANG), "redact", *args], input=stdin, capture_output=True, env=env, check=False
    )


def test_prints_the_redacted_text_exactly(decision):
    out = io.StringIO()
    call_command("redact", str(decision), *ARGS, stdout=out)
    assert out.getvalue() == REDACTED


def test_json_lists_each_finding_with_offsets_into_the_original(decision):
    out = io.StringIO()
    call_command("redact", str(decision), *ARGS, "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["text"] == REDACTED
    assert [(f["kind"], f["original"], f["replacement"]) for f in payload["findings"]] == [
        ("person_name", "王小明", "王某"),
        ("id_number", ID, f"3502**********{ID[-4:]}"),
        ("phone", "13859012345", "138****2345"),
    ]
    for finding in payload["findings"]:
        assert DECISION[finding["start"] : finding["end"]] == finding["original"]


def test_reads_standard_input_for_a_dash(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DECISION.encode())))
    out = io.StringIO()
    call_command("redact", "-", *ARGS, stdout=out)
    assert out.getvalue() == REDACTED


def test_gb18030_input_is_accepted_when_it_is_not_utf8(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(DECISION.encode("gb18030"))
    out = io.StringIO()
    call_command("redact", str(path), *ARGS, stdout=out)
    assert out.getvalue() == REDACTED


def test_a_missing_file_is_refused_in_chinese_with_status_2(tmp_path):
    with pytest.raises(CommandError, match=r"无法读取文件.*：文件不存在") as refused:
        call_command("redact", str(tmp_path / "无此文件.txt"))
    assert refused.value.returncode == 2


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused(tmp_path):
    path = tmp_path / "binary.txt"
    path.write_bytes("当事人".encode() + b"\x80\xff")
    with pytest.raises(CommandError, match="不是有效的 UTF-8 或 GB18030 文本（第 10 字节起") as bad:
        call_command("redact", str(path))
    assert bad.value.returncode == 2


def test_a_one_character_name_is_refused(decision):
    with pytest.raises(CommandError, match="只有一个字") as refused:
        call_command("redact", str(decision), "--party", "王")
    assert refused.value.returncode == 2


def test_installed_command_prints_utf8_whatever_the_locale(decision):
    result = run(str(decision), *ARGS)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode("utf-8") == REDACTED


def test_installed_command_reads_stdin_and_prints_json():
    result = run("-", *ARGS, "--json", stdin=DECISION.encode("utf-8"))
    assert result.returncode == 0, result.stderr.decode()
    payload = json.loads(result.stdout.decode("utf-8"))
    assert payload["text"] == REDACTED
    assert {f["kind"] for f in payload["findings"]} == {"person_name", "id_number", "phone"}


def test_installed_command_exits_2_for_a_missing_file_and_for_bad_bytes(tmp_path):
    missing = run(str(tmp_path / "无此文件.txt"))
    assert missing.returncode == 2
    assert "文件不存在" in missing.stderr.decode("gb18030")  # messages follow the locale
    bad = run("-", stdin=b"\x80\xff")
    assert bad.returncode == 2
    assert bad.stdout == b""


def test_public_data_given_on_the_command_line_is_not_masked(tmp_path):
    path = tmp_path / "决定书.txt"
    path.write_text("执法人员张强（13502001234），本机关电话0592-2123456。\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "redact", str(path), "--public", "13502001234", "--public", "0592 2123456", stdout=out
    )
    assert out.getvalue() == "执法人员张强（13502001234），本机关电话0592-2123456。\n"


def test_evaluate_prints_recall_and_precision_per_category(tmp_path):
    case = {
        "id": "1",
        "text": "当事人王小明，电话13859012345。",
        "persons": ["王小明"],
        "spans": [
            {"category": "person_name", "start": 3, "end": 6},
            {"category": "phone", "start": 9, "end": 20},
        ],
    }
    (tmp_path / "set.jsonl").write_text(json.dumps(case, ensure_ascii=False) + "\n")
    out = io.StringIO()
    call_command("redact", "--evaluate", str(tmp_path), stdout=out)
    assert "| phone | 1 | 1 | 100.0% | 1 | 1 | 100.0% |" in out.getvalue()
    assert "| person_name | 1 | 1 | 100.0% |" in out.getvalue()


def test_evaluate_refuses_a_folder_without_labelled_files(tmp_path):
    with pytest.raises(CommandError, match="不是含有") as refused:
        call_command("redact", "--evaluate", str(tmp_path))
    assert refused.value.returncode == 2


def test_no_file_and_no_evaluate_is_refused_in_chinese():
    with pytest.raises(CommandError, match="请指定决定书文件") as refused:
        call_command("redact")
    assert refused.value.returncode == 2
