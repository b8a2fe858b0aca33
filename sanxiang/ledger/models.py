"""The append-only log (全过程记录) as database rows.

Triggers created by the migrations refuse UPDATE and DELETE on every table here (and TRUNCATE
on PostgreSQL): rows are written once. ``sanxiang ledger verify`` recomputes everything from
the leaves, so a change made behind the triggers' back is still found.
"""

from __future__ import annotations

from django.db import models

INSTALLATION_LOG = "installation"


def log_key_for(agency_id: int | None) -> str:
    """The key of the log that records an agency's events (``None``: installation-wide)."""
    return INSTALLATION_LOG if agency_id is None else f"agency:{agency_id}"


class LedgerLog(models.Model):
    """One Merkle log: one per agency, plus the installation's own for events of no agency.

    The row is written once and never changed (append-only like every ledger table): appends
    lock it with SELECT … FOR UPDATE, so that appends to one log are serialised while appends to
    two agencies' logs never wait on each other. The size is the largest ``LedgerEntry.index``
    of the log plus one, read through the (log, index) unique index.
    """

    id = models.BigAutoField(primary_key=True)
    key = models.CharField("日志标识", max_length=32, unique=True)
    agency_id = models.BigIntegerField("执法主体", null=True, blank=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "记录日志"
        verbose_name_plural = "记录日志"
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class LedgerEntry(models.Model):
    """One event: a leaf of its log's Merkle tree. ``leaf`` holds the exact hashed bytes.

    ``index`` is the entry's position in its log (the leaf index of proofs); ``sequence`` is an
    installation-wide id, increasing in the order appends began, for timelines and references
    (evidence records). Entries from before per-agency logs keep the sequence they had as
    positions of the one global log, and their leaves say so (leaf version 1).

    The other columns repeat the leaf's fields so that timelines and audits can be queried;
    ``verify`` checks that they agree with the leaf.
    """

    sequence = models.BigIntegerField("序号", primary_key=True)
    # No index of its own: the (log, index) unique constraint serves every lookup by log.
    log = models.ForeignKey(
        LedgerLog,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name="日志",
        db_index=False,
    )
    index = models.BigIntegerField("日志内位置")
    recorded_at = models.DateTimeField("记录时间")
    actor = models.CharField("操作人", max_length=64, help_text="user:<id> 或 system")
    agency_id = models.BigIntegerField("执法主体", null=True, blank=True)
    action = models.CharField("动作", max_length=64)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象标识", max_length=64)
    content_sha256 = models.CharField("内容 SHA-256", max_length=64, blank=True)
    # The digest of the object's state after the event (``sanxiang.ledger.state``); blank for
    # object types without a state recipe and for events recorded before digests existed.
    state_sha256 = models.CharField("状态 SHA-256", max_length=64, blank=True, default="")
    leaf = models.TextField("叶子（规范 JSON）")

    class Meta:
        verbose_name = "记录事件"
        verbose_name_plural = "全过程记录日志"
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "sequence"], name="ledger_by_object"),
            models.Index(fields=["agency_id", "sequence"], name="ledger_by_agency"),
            models.Index(fields=["actor", "sequence"], name="ledger_by_actor"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["log", "index"], name="ledger_entry_position")
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"


class LedgerNode(models.Model):
    """The hash of a perfect subtree of one log, stored once it is complete (level 0: leaf
    hashes). Rows are created in append order, so ordering by ``id`` replays each log's growth.
    """

    id = models.BigAutoField(primary_key=True)
    # No index of its own: the (log, level, index) unique constraint serves lookups by log.
    log = models.ForeignKey(
        LedgerLog, on_delete=models.PROTECT, related_name="nodes", db_index=False
    )
    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["log", "level", "index"], name="ledger_node_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"({self.level}, {self.index})"


class SigningKey(models.Model):
    """A public key that has signed tree heads; the private half stays in SANXIANG_VAR."""

    key_id = models.CharField("密钥标识", max_length=64, primary_key=True)
    algorithm = models.CharField("算法", max_length=16)
    public_key_pem = models.TextField("公钥")
    created_at = models.DateTimeField("启用时间", auto_now_add=True)

    class Meta:
        verbose_name = "签名公钥"
        verbose_name_plural = "签名公钥"

    def __str__(self) -> str:
        return f"{self.algorithm} {self.key_id[:16]}"


class TreeHead(models.Model):
    """A signed tree head: the installation vouches for the root of the first ``size`` leaves
    of one log. ``log`` is empty for heads signed before per-agency logs: they were signed over
    the one global log, which ``verify`` recomputes from the leaves in sequence order."""

    id = models.BigAutoField(primary_key=True)
    log = models.ForeignKey(
        LedgerLog, on_delete=models.PROTECT, related_name="tree_heads", null=True, blank=True
    )
    size = models.BigIntegerField("树大小")
    root = models.CharField("根哈希", max_length=64)
    signed_at = models.DateTimeField("签名时间")
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="tree_heads")
    payload = models.TextField("签名内容（规范 JSON）")
    signature = models.TextField("签名（Base64）")

    class Meta:
        verbose_name = "签名树头"
        verbose_name_plural = "签名树头"
        ordering = ["-size", "-id"]

    def __str__(self) -> str:
        return f"size={self.size} root={self.root[:16]}…"


class Witness(models.Model):
    """Someone outside this database who co-signs our tree heads (e.g. the supervising body's
    Sanxiang installation): ``sanxiang ledger witness push`` sends each new head with a
    consistency proof, ``sanxiang ledger verify --witness`` compares the log with what it
    co-signed."""

    name = models.CharField("名称", max_length=100, unique=True)
    url = models.URLField(
        "见证地址", max_length=300, help_text="见证方的 /gongshi/ledger/witness 地址"
    )
    public_key_pem = models.TextField("见证方公钥", help_text="见证方公布的 Ed25519 公钥（PEM）")
    enabled = models.BooleanField("启用", default=True)
    timeout_seconds = models.PositiveSmallIntegerField("超时（秒）", default=10)

    class Meta:
        verbose_name = "见证方"
        verbose_name_plural = "见证方"

    def __str__(self) -> str:
        return self.name


class Cosignature(models.Model):
    """A witness's signature over one of our tree heads (append-only)."""

    id = models.BigAutoField(primary_key=True)
    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="cosignatures")
    # Empty for co-signatures of the one global log that preceded per-agency logs.
    log = models.ForeignKey(
        LedgerLog, on_delete=models.PROTECT, related_name="cosignatures", null=True, blank=True
    )
    size = models.BigIntegerField("树大小")
    root = models.CharField("根哈希", max_length=64)
    payload = models.TextField("见证内容（规范 JSON）")
    signature = models.TextField("见证签名（Base64）")
    received_at = models.DateTimeField("收到时间", auto_now_add=True)

    class Meta:
        verbose_name = "见证签名"
        verbose_name_plural = "见证签名"

    def __str__(self) -> str:
        return f"{self.witness} size={self.size}"


class WatchedLog(models.Model):
    """Witness side: another installation's log this installation witnesses, by its key."""

    key_id = models.CharField("日志公钥标识", max_length=64, primary_key=True)
    name = models.CharField("名称", max_length=100)
    algorithm = models.CharField("算法", max_length=16)
    public_key_pem = models.TextField("日志公钥")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "被见证的日志"
        verbose_name_plural = "被见证的日志"

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id[:16]})"


class Checkpoint(models.Model):
    """Witness side: each head of a watched log that this installation checked and co-signed
    (append-only; the latest is the largest size)."""

    id = models.BigAutoField(primary_key=True)
    log = models.ForeignKey(WatchedLog, on_delete=models.PROTECT, related_name="checkpoints")
    # Which of the watched installation's logs (the ``log`` of its signed heads; empty for
    # heads signed before it had one log per agency): each is append-only on its own.
    log_name = models.CharField("日志名", max_length=32, blank=True, default="")
    size = models.BigIntegerField("树大小")
    root = models.CharField("根哈希", max_length=64)
    head_payload = models.TextField("日志签名内容")
    head_signature = models.TextField("日志签名")
    cosignature_payload = models.TextField("见证内容")
    cosignature = models.TextField("见证签名")
    cosigned_at = models.DateTimeField("见证时间")

    class Meta:
        verbose_name = "见证记录"
        verbose_name_plural = "见证记录"
        indexes = [models.Index(fields=["log", "log_name", "size"], name="checkpoint_by_log_name")]

    def __str__(self) -> str:
        return f"{self.log} size={self.size}"
