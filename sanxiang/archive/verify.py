"""Checking a 电子案卷 package offline: no database, nothing but the file (and, better, the
agency's public key obtained elsewhere).

What each check proves:

1. 文件清单 — every file is the one the manifest lists (SHA-256), none missing, none added.
2. 树头签名 — the tree head was signed by the key included in the package. On its own this
   proves little: whoever forges a package can make a key of his own, sign a head over his own
   tree and include that key. It is the key given on the command line (``--key``: the PEM file
   or key id the agency publishes on the portal's 签名公钥 page, or one received with the case
   file) that ties the head to the agency's log; the report says which of the two was checked.
3. 包含证明 — every ledger leaf in the package is in that signed tree (RFC 9162 proofs), so
   no event of the case's timeline was changed, added or left out after it was signed.
4. 时间线 / 文书 / 证据 — the readable timeline is the proven leaves; each document's Word file
   and PDF are the ones its ``cases.document.generated`` and ``pdf_made`` events recorded (older
   versions: the one event recorded the PDF); each evidence version's metadata (and
   with it its file's SHA-256) is the one its ``evidence.created``/``corrected`` event recorded.

The package's own SHA-256 is the content of the ``archive.package.sealed`` event recorded when
the case was archived (in the agency's log, checkable on the portal): the report prints it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sanxiang.archive.package import CHUNK, FORMAT, MANIFEST
from sanxiang.evidence.digest import metadata_digest
from sanxiang.ledger import merkle
from sanxiang.ledger.signing import key_id, verify_signature

EVIDENCE_EVENTS = ("evidence.created", "evidence.corrected")
DOCUMENT_EVENT = "cases.document.generated"
PDF_EVENT = "cases.document.pdf_made"


@dataclass
class Report:
    """The checks made, in order; each line in Chinese, marked passed, failed or a note."""

    package_sha256: str = ""
    lines: list[tuple[str, str]] = field(default_factory=list)

    def ok(self, text: str) -> None:
        self.lines.append(("【通过】", text))

    def fail(self, text: str) -> None:
        self.lines.append(("【不通过】", text))

    def note(self, text: str) -> None:
        self.lines.append(("【提示】", text))

    @property
    def failures(self) -> list[str]:
        return [text for mark, text in self.lines if mark == "【不通过】"]

    @property
    def passed(self) -> bool:
        return any(mark == "【通过】" for mark, _ in self.lines) and not self.failures

    def text(self) -> str:
        out = ["电子案卷归档包核验报告", f"归档包 SHA-256：{self.package_sha256 or '（无法读取）'}"]
        out += [f"{mark}{text}" for mark, text in self.lines]
        if self.passed:
            out.append(
                "结论：核验通过。请将上面的归档包 SHA-256 "
                "与全过程记录中该案“归档”事件的内容哈希核对。"
            )
        else:
            out.append(f"结论：核验未通过，共 {len(self.failures)} 项问题。")
        return "\n".join(out)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _member_sha256(package: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with package.open(name) as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _json(package: zipfile.ZipFile, name: str) -> Any:
    return json.loads(package.read(name).decode("utf-8"))


def package_verify(path: Path, *, trusted_key: str = "") -> Report:
    """Check the package at ``path``; ``trusted_key`` is a PEM public key or a key id (hex)."""
    report = Report()
    try:
        report.package_sha256 = _sha256_file(path)
        with zipfile.ZipFile(path) as package:
            _verify(package, report, trusted_key)
    except (OSError, zipfile.BadZipFile) as exc:
        report.fail(f"无法读取归档包：{exc}")
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        report.fail(f"归档包内容不完整或格式错误：{exc!r}")
    return report


def _verify(package: zipfile.ZipFile, report: Report, trusted_key: str) -> None:
    names = set(package.namelist())
    if MANIFEST not in names:
        report.fail("缺少文件清单 manifest.json，不是本系统的归档包。")
        return
    manifest = _json(package, MANIFEST)
    if manifest.get("format") != FORMAT:
        report.fail(f"归档包格式“{manifest.get('format')}”不是 {FORMAT}。")
        return
    case = manifest.get("case", {})
    report.ok(
        f"案件：{case.get('number') or '（无编号）'} {case.get('title', '')}；"
        f"保管期限：{manifest.get('retention', {}).get('label', '（未载明）')}"
    )
    _check_files(package, names, manifest["files"], report)
    head = _check_head(package, manifest, report, trusted_key)
    leaves = _check_proofs(package, head, report) if head is not None else None
    if leaves is None:
        return
    _check_timeline(package, leaves, report, case_id=str(case.get("id")))
    _check_documents(package, names, leaves, report)
    _check_evidence(package, names, leaves, report)


def _check_files(
    package: zipfile.ZipFile, names: set[str], files: dict[str, Any], report: Report
) -> None:
    problems = [f"缺少文件 {name}" for name in sorted(set(files) - names)]
    problems += [f"文件 {name} 不在文件清单中" for name in sorted(names - set(files) - {MANIFEST})]
    for name in sorted(set(files) & names):
        sha256, size = _member_sha256(package, name)
        if sha256 != files[name]["sha256"] or size != files[name]["size"]:
            problems.append(f"文件 {name} 与文件清单记载的 SHA-256 不符（已被改动）")
    for problem in problems:
        report.fail(f"文件清单：{problem}。")
    if not problems:
        report.ok(f"文件清单：{len(files)} 个文件均与清单记载的 SHA-256 一致，无缺失、无多余。")


def _check_head(
    package: zipfile.ZipFile, manifest: dict[str, Any], report: Report, trusted_key: str
) -> dict[str, Any] | None:
    head = _json(package, "ledger/tree-head.json")
    signer = key_id(head["public_key_pem"])
    payload = head["payload"].encode("utf-8")
    if not verify_signature(head["algorithm"], head["public_key_pem"], payload, head["signature"]):
        report.fail("树头签名：签名树头的签名无效（树头被改动或伪造）。")
        return None
    signed = json.loads(payload)
    if signed.get("key_id") != signer:
        report.fail("树头签名：树头载明的密钥标识与签名所用公钥不一致。")
        return None
    if signed.get("log") != manifest.get("log"):
        report.fail(f"树头签名：树头属于日志 {signed.get('log')}，不是本案执法主体的日志。")
        return None
    report.ok(
        f"树头签名：日志 {signed['log']} 大小 {signed['size']} 的树头，由包内公钥"
        f"（密钥标识 {signer[:16]}…）签名有效。"
    )
    if trusted_key:
        wanted = key_id(trusted_key) if "BEGIN PUBLIC KEY" in trusted_key else trusted_key.strip()
        if wanted.lower() != signer:
            report.fail(
                f"指定公钥：树头不是由指定公钥（{wanted[:16]}…）签名的，而是 {signer[:16]}…；"
                "包内附带的公钥不可信。"
            )
            return None
        report.ok("指定公钥：树头由命令行指定的执法主体公钥签名。")
    else:
        report.note(
            "指定公钥：未指定。包内公钥只能证明签名者持有该密钥，请用 --key 指定从门户"
            "“签名公钥”页面取得的公钥再核验一次。"
        )
    return {
        "root": bytes.fromhex(signed["root"]),
        "size": int(signed["size"]),
        "log": signed["log"],
    }


def _check_proofs(
    package: zipfile.ZipFile, head: dict[str, Any], report: Report
) -> dict[int, dict[str, Any]] | None:
    proofs = _json(package, "ledger/proofs.json")["proofs"]
    leaves: dict[int, dict[str, Any]] = {}
    bad = []
    for line in package.read("ledger/entries.jsonl").decode("utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        index, leaf = int(record["index"]), record["leaf"]
        path = [base64.b64decode(node) for node in proofs.get(str(index), [])]
        body = json.loads(leaf)
        if (
            body.get("log") != head["log"]
            or body.get("index") != index
            or not (
                merkle.verify_inclusion(
                    leaf.encode("utf-8"), index, head["size"], path, head["root"]
                )
            )
        ):
            bad.append(index)
            continue
        leaves[index] = body
    if bad:
        shown = "、".join(str(i) for i in bad[:10])
        report.fail(
            f"包含证明：{len(bad)} 条记录不在签名树中（日志序号 {shown}），全过程记录被改动。"
        )
        return None
    report.ok(f"包含证明：{len(leaves)} 条全过程记录均在签名树中。")
    return leaves


def _check_timeline(
    package: zipfile.ZipFile, leaves: dict[int, dict[str, Any]], report: Report, *, case_id: str
) -> None:
    if not any(
        leaf["object_type"] == "cases.case" and leaf["object_id"] == case_id
        for leaf in leaves.values()
    ):
        report.fail("时间线：包内没有本案的全过程记录。")
        return
    rows = _json(package, "timeline.json")
    indexes = [int(row["index"]) for row in rows]
    bad = [
        row["index"]
        for row in rows
        if (leaf := leaves.get(int(row["index"]))) is None
        or (row["action"], row["time"], row["actor"])
        != (leaf["action"], leaf["time"], leaf["actor"])
    ]
    if bad or sorted(indexes) != sorted(leaves):
        report.fail(f"时间线：timeline.json 与经证明的全过程记录不一致（日志序号 {bad[:10]}）。")
    else:
        report.ok(f"时间线：{len(rows)} 个事件与经证明的全过程记录一致。")


def _check_documents(
    package: zipfile.ZipFile, names: set[str], leaves: dict[int, dict[str, Any]], report: Report
) -> None:
    recorded = {
        (leaf["object_id"], leaf["content_sha256"])
        for leaf in leaves.values()
        if leaf["action"] == DOCUMENT_EVENT
    }
    converted = {
        (leaf["object_id"], leaf["content_sha256"])
        for leaf in leaves.values()
        if leaf["action"] == PDF_EVENT
    }
    documents = _json(package, "documents/index.json")
    bad = []
    for document in documents:
        if document["pdf_file"] not in names or document["docx_file"] not in names:
            bad.append(document["pdf_file"])  # missing: reported with the manifest too
            continue
        key = str(document["id"])
        pdf = _member_sha256(package, document["pdf_file"])[0]
        docx = _member_sha256(package, document["docx_file"])[0]
        # Since the PDF is made after the version (cases.pdf), the version's event records the
        # Word file and a second event the PDF; before, the one event recorded the PDF.
        if (key, pdf) in recorded:
            pinned = docx == document["docx_sha256"]  # older version: by the manifest only
        else:
            pinned = (key, docx) in recorded and (key, pdf) in converted
        if not pinned or pdf != document["pdf_sha256"] or docx != document["docx_sha256"]:
            bad.append(document["pdf_file"])
    if bad:
        report.fail(f"文书：{'、'.join(bad)} 不是全过程记录中生成时记载的文书。")
    else:
        report.ok(f"文书：{len(documents)} 个文书版本均为生成时记入全过程记录的文件。")


def _check_evidence(
    package: zipfile.ZipFile, names: set[str], leaves: dict[int, dict[str, Any]], report: Report
) -> None:
    recorded = {
        leaf["object_id"]: leaf["content_sha256"]
        for leaf in leaves.values()
        if leaf["action"] in EVIDENCE_EVENTS
    }
    records = _json(package, "evidence/records.json")
    bad, included = [], 0
    for record in records:
        fields = record["ledger_fields"]
        if recorded.get(str(fields["id"])) != metadata_digest(fields):
            bad.append(f"记录 {fields['record_id']} 第{fields['version']}版的元数据")
            continue
        if record["file"]:
            included += 1
            if (
                record["file"] not in names
                or _member_sha256(package, record["file"])[0] != fields["blob"]
            ):
                bad.append(f"文件 {record['file']}")
    if bad:
        report.fail(f"证据：{'、'.join(bad)} 与全过程记录不符。")
    else:
        report.ok(
            f"证据：{len(records)} 个记录版本的元数据与全过程记录一致；{included} 个文件随包附带"
            f"且哈希一致，{len(records) - included} 个超过附带上限、仅载明 SHA-256。"
        )
