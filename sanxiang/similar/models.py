"""The similar-case index (同案同罚): one row per published decision, derived from the
publication (its redacted text and structured fields), never from the case file.

The rows are a cache of what ``disclosure`` published and ledgered, not records of their own:
``sanxiang similar reindex`` rebuilds them from the publications at any time, so writing them
appends no ledger event (like 站内通知).
"""

from __future__ import annotations

from django.db import models


class IndexedDecision(models.Model):
    """A published decision as the similar-case search sees it."""

    publication = models.OneToOneField(
        "disclosure.Publication", on_delete=models.CASCADE, related_name="+"
    )
    agency_id = models.IntegerField(db_index=False)
    case_id = models.IntegerField(unique=True)
    procedure = models.CharField(max_length=32)
    # The structural key: sorted article ids (违法依据 | 处罚依据) and penalty kinds, as text.
    key = models.CharField(max_length=200)
    violated = models.CharField(max_length=200, blank=True)  # "12,40"
    penalty = models.CharField(max_length=200, blank=True)
    kinds = models.CharField(max_length=100, blank=True)  # "fine,warning"
    # The chosen 违法行为 ("<agency id>:<code>", see key.py) and the decided fine's tier kind.
    violation = models.CharField(max_length=60, blank=True, default="")
    tier = models.CharField(max_length=16, blank=True, default="")
    fine_yuan = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    decided_on = models.DateField()
    title = models.CharField(max_length=300)
    conclusion = models.CharField(max_length=300, blank=True)
    # The text's signature: its most distinctive terms with their counts ("占道:3 经营:2"), and
    # the number of tokens in the whole text (BM25's length normalisation).
    terms = models.TextField()
    length = models.PositiveIntegerField()
    text_sha256 = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["agency_id", "key", "-decided_on"], name="similar_key"),
            models.Index(
                fields=["agency_id", "procedure", "-decided_on"], name="similar_procedure"
            ),
            models.Index(
                fields=["agency_id", "violation", "-decided_on"], name="similar_violation"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class IndexedArticle(models.Model):
    """Which decisions cite an article (either basis): the structural candidates."""

    decision = models.ForeignKey(IndexedDecision, on_delete=models.CASCADE, related_name="+")
    article_id = models.IntegerField()
    agency_id = models.IntegerField()
    decided_on = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["article_id", "agency_id", "-decided_on"], name="similar_article")
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} → {self.article_id}"


class TermCount(models.Model):
    """In how many indexed texts a term occurs (BM25's IDF). The empty term counts the texts.
    Only ever incremented as decisions publish; a rebuild recounts."""

    term = models.CharField(max_length=64, primary_key=True)
    documents = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.term}: {self.documents}"
