"""The command-line progress bar: one redrawn line on a terminal, plain lines elsewhere, always
on stderr so a command's output (a CSV on stdout) stays clean."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from sanxiang.core.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_bar_redraws_one_line_and_ends_it():
    out = Terminal()
    with Progress("生成 PDF", 4, stream=out) as bar:
        for _ in range(4):
            bar.advance()
    text = out.getvalue()
    assert text.startswith("\r生成 PDF [") and text.endswith("\n")
    assert text.count("\n") == 1
    assert "100% 4/4" in text.rsplit("\r", 1)[-1]


def test_in_a_log_it_writes_plain_lines_not_carriage_returns():
    out = io.StringIO()
    with Progress("导出公示", 1000, stream=out, every=3600) as bar:
        for _ in range(1000):
            bar.advance()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    # The first and the last line; nothing between, the interval not having passed.
    assert len(lines) == 2
    assert lines[0].startswith("导出公示 [") and "0/1000" in lines[0]
    assert "100% 1000/1000" in lines[-1]


def test_an_unknown_total_is_counted_without_a_percent():
    out = io.StringIO()
    with Progress("重建索引", None, stream=out) as bar:
        bar.advance(7)
    assert out.getvalue().splitlines()[-1].startswith("重建索引：7")


@pytest.mark.django_db
def test_the_export_command_keeps_stdout_for_the_csv_and_reports_progress_on_stderr(capsys):
    err = io.StringIO()
    call_command("export", "publications", stderr=err)
    assert "导出公示 [" in err.getvalue() and "已导出 0 条公示" in err.getvalue()
    assert "导出公示" not in capsys.readouterr().out


@pytest.mark.django_db
def test_the_pdf_command_shows_its_bar_on_stderr():
    err, out = io.StringIO(), io.StringIO()
    call_command("documents", "pdf", stdout=out, stderr=err)
    assert "生成 PDF [" in err.getvalue()
    assert "已生成 PDF 0 份" in out.getvalue()
