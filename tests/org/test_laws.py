"""The 法律法规库: statutes parsed article by article from data/laws/."""

from __future__ import annotations

import pytest

from sanxiang.org.laws import chinese_number, parse_statute
from sanxiang.org.models import Article, Law
from sanxiang.org.services import laws_load
from tests.conftest import DATA


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("四十二", 42),
        ("一百", 100),
        ("一百零二", 102),
        ("二百一十五", 215),
    ],
)
def test_chinese_article_numbers(text, value):
    assert chinese_number(text) == value


def test_every_article_of_both_statutes_is_found_in_order():
    penalty = parse_statute(
        (DATA / "laws" / "xingzheng-chufa-fa-2021.md").read_text(encoding="utf-8")
    )
    coercion = parse_statute(
        (DATA / "laws" / "xingzheng-qiangzhi-fa-2011.md").read_text(encoding="utf-8")
    )
    assert (penalty.title, len(penalty.articles)) == ("中华人民共和国行政处罚法", 86)
    assert (coercion.title, len(coercion.articles)) == ("中华人民共和国行政强制法", 71)
    article_42 = penalty.articles[41]
    assert article_42.label == "第四十二条"
    assert "执法人员不得少于两人" in article_42.text
    assert article_42.chapter.startswith("第五章")


def test_a_multi_paragraph_article_keeps_all_its_paragraphs():
    penalty = parse_statute(
        (DATA / "laws" / "xingzheng-chufa-fa-2021.md").read_text(encoding="utf-8")
    )
    article_5 = penalty.articles[4]
    assert article_5.text.count("\n") == 2
    assert "未经公布的，不得作为行政处罚的依据" in article_5.text


def test_a_gap_in_article_numbers_is_refused():
    with pytest.raises(ValueError, match="第三条"):
        parse_statute("# 某法\n\n## 第一章 总则\n\n第一条 甲。\n\n第三条 丙。\n")


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    laws_load(index=DATA / "laws" / "index.csv")
    first = (Law.objects.count(), Article.objects.count())
    laws_load(index=DATA / "laws" / "index.csv")
    assert first == (Law.objects.count(), Article.objects.count()) == (4, 86 + 71 + 45 + 154)
    article = Article.objects.get(law__title="中华人民共和国行政处罚法", number=51)
    assert str(article) == "《中华人民共和国行政处罚法》第五十一条"
    assert "二百元以下" in article.text


def test_the_food_safety_law_runs_from_article_1_to_154_with_its_penalty_articles():
    food = parse_statute((DATA / "laws" / "shipin-anquan-fa-2021.md").read_text(encoding="utf-8"))
    assert (food.title, len(food.articles)) == ("中华人民共和国食品安全法", 154)
    article_124 = food.articles[123]
    assert article_124.label == "第一百二十四条"
    assert article_124.chapter.startswith("第九章")
    assert "（五）生产经营标注虚假生产日期、保质期或者超过保质期的食品" in article_124.text
    assert "处二千元以下罚款" in food.articles[124].text  # 第一百二十五条第二款
