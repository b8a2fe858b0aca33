"""A case number typed with any brackets means the stored 〔〕 form (one normaliser)."""

from __future__ import annotations

import pytest

from sanxiang.cases.party_access import number_normalise
from sanxiang.core.identifiers import case_number_brackets, case_number_normalise

STORED = "测城执罚〔2026〕1号"
TYPED = [
    "测城执罚〔2026〕1号",
    "测城执罚[2026]1号",
    "测城执罚(2026)1号",
    "测城执罚［2026］1号",
    "测城执罚（2026）1号",
    "测城执罚【2026】1号",
    "测城执罚﹝2026﹞1号",
    " 测城执罚 [２０２６] 1 号 ",
]


@pytest.mark.parametrize("typed", TYPED)
def test_every_bracket_form_normalises_to_the_stored_number(typed):
    assert case_number_normalise(typed) == STORED


@pytest.mark.parametrize("typed", TYPED)
def test_the_party_query_reads_numbers_through_the_same_normaliser(typed):
    assert number_normalise(typed) == STORED


def test_free_text_keeps_its_spaces_and_only_changes_brackets():
    assert case_number_brackets("占道 测城执罚(2026)1号") == "占道 测城执罚〔2026〕1号"
