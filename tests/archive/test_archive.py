"""归档 (行政处罚法第四十七条): closing a case into 归档 seals one package of the whole 电子案卷
whose hash is a ledger event, and ``sanxiang archive verify`` checks it offline."""

from __future__ import annotations

import hashlib
import json
import time

import pytest
from django.core.management import CommandError, call_command

from sanxiang.archive.models import CaseArchive, PackageAccess
from sanxiang.archive.package import Entry, package_write
from sanxiang.archive.services import ArchiveRefused, archive_build, package_bytes
from sanxiang.archive.verify import package_verify
from sanxiang.cases.models import Case
from sanxiang.cases.workflow.engine import TransitionRefused
from sanxiang.ledger.models import LedgerEntry, SigningKey
from tests.archive.conftest import closed_on_spot_case, members, rewrite, take


def agency_key_pem() -> str:
    return SigningKey.objects.get().public_key_pem


def test_archiving_a_closed_case_seals_one_package_with_its_hash_in_the_ledger(archived, package):
    archive = CaseArchive.objects.get(case=archived)
    assert archived.state == "archived"
    data = package.read_bytes()
    assert hashlib.sha256(data).hexdigest() == archive.package_sha256
    sealed = LedgerEntry.objects.get(action="archive.package.sealed")
    assert (sealed.object_id, sealed.content_sha256) == (str(archive.pk), archive.package_sha256)
    # In the step's transaction: the 归档 step's own event follows it in the same log.
    step = LedgerEntry.objects.get(action="cases.case.archive", object_id=str(archived.pk))
    assert step.log_id == sealed.log_id and step.index > sealed.index

    files = members(package)
    manifest = json.loads(files["manifest.json"])
    assert set(manifest["files"]) == set(files) - {"manifest.json"}
    assert manifest["retention"]["label"] == "10年"  # data/archive/retention.csv: 简易程序
    assert manifest["case"]["number"] == archived.number
    recorded = json.loads(files["case.json"])
    assert [p["receipt_number"] for p in recorded["payments"]] == ["财政票据 No.0012345"]
    assert [s["action"] for s in recorded["steps_taken"]][-2:] == ["execute", "close"]
    documents = json.loads(files["documents/index.json"])
    assert [d["kind"] for d in documents] == ["on_spot_decision"]
    assert {documents[0]["pdf_file"], documents[0]["docx_file"]} <= set(files)
    records = json.loads(files["evidence/records.json"])
    assert len(records) == 2  # the one filed before the number too
    assert all(r["file"] in files for r in records)
    timeline = json.loads(files["timeline.json"])
    labels = {row["label"] for row in timeline}
    assert {"当场作出处罚决定", "结案", "生成文书", "登记证据记录"} <= labels
    assert {row["actor_name"] for row in timeline} >= {"张伟"}
    actions = [row["action"] for row in timeline]
    for step_action in ("opened", "decide_on_spot", "payment_recorded", "execute", "close"):
        assert f"cases.case.{step_action}" in actions
    assert "cases.document.generated" in actions and "evidence.created" in actions


def test_ledger_verify_checks_the_stored_package_against_its_event(archived, settings, tmp_path):
    from sanxiang.evidence.storage import blob_name
    from sanxiang.ledger.verify import verify_ledger

    assert verify_ledger().ok
    archive = CaseArchive.objects.get(case=archived)
    stored = tmp_path / "store" / blob_name(archive.package_sha256)
    stored.write_bytes(stored.read_bytes() + b"tampered")
    report = verify_ledger()
    assert not report.ok
    assert any(archive.package_sha256 in problem for problem in report.problems)


def test_the_package_verifies_offline_without_touching_the_database(
    package, django_assert_num_queries
):
    key = agency_key_pem()
    with django_assert_num_queries(0):
        report = package_verify(package, trusted_key=key)
    assert report.passed, report.text()
    text = report.text()
    assert "核验通过" in text and "指定公钥：树头由命令行指定的执法主体公钥签名" in text


def test_the_verify_command_prints_a_chinese_report_and_exits_zero(package, tmp_path, capsys):
    pem = tmp_path / "agency.pem"
    pem.write_text(agency_key_pem(), encoding="utf-8")
    call_command("archive", "verify", str(package), "--key", str(pem))
    out = capsys.readouterr().out
    assert out.startswith("电子案卷归档包核验报告") and "【不通过】" not in out


def verify_fails(path, *, key: str = "") -> str:
    report = package_verify(path, trusted_key=key)
    assert not report.passed
    args = ["archive", "verify", str(path)] + (["--key", key] if key else [])
    with pytest.raises(SystemExit) as exit_:
        call_command(*args)
    assert exit_.value.code == 1
    return "\n".join(report.failures)


def _pdf_name(package) -> str:
    return next(n for n in members(package) if n.startswith("documents/") and n.endswith(".pdf"))


def test_a_changed_document_byte_fails_verification(package, tmp_path):
    name = _pdf_name(package)
    original = members(package)[name]
    changed = original[:100] + bytes([original[100] ^ 1]) + original[101:]
    tampered = rewrite(package, tmp_path / "t.zip", {name: changed})
    assert f"文件 {name} 与文件清单记载的 SHA-256 不符" in verify_fails(tampered)


def test_a_changed_document_fails_even_when_the_manifest_is_recomputed(package, tmp_path):
    name = _pdf_name(package)
    tampered = rewrite(package, tmp_path / "t.zip", {name: b"%PDF-1.4 forged"}, fix_manifest=True)
    assert "不是全过程记录中生成时记载的文书" in verify_fails(tampered)


def test_a_removed_file_fails_verification(package, tmp_path):
    name = next(n for n in members(package) if n.startswith("evidence/files/"))
    tampered = rewrite(package, tmp_path / "t.zip", {name: None})
    failures = verify_fails(tampered)
    assert f"缺少文件 {name}" in failures
    assert f"文件 {name}" in failures.split("证据：")[1]  # its record names it too


def test_something_that_is_not_a_package_fails_with_a_chinese_report(tmp_path, capsys):
    path = tmp_path / "not.zip"
    path.write_bytes(b"PK\x03\x04 not really")
    assert "无法读取归档包" in verify_fails(path)
    assert "核验未通过" in capsys.readouterr().out


def test_an_added_file_fails_verification(package, tmp_path):
    tampered = rewrite(package, tmp_path / "t.zip", {"documents/extra.pdf": b"%PDF"})
    assert "documents/extra.pdf 不在文件清单中" in verify_fails(tampered)


def test_a_changed_timeline_event_fails_its_inclusion_proof(package, tmp_path):
    lines = members(package)["ledger/entries.jsonl"].decode().splitlines()
    record = json.loads(lines[0])
    record["leaf"] = record["leaf"].replace('"actor":"user:', '"actor":"user:9')
    lines[0] = json.dumps(record, ensure_ascii=False)
    changed = ("\n".join(lines) + "\n").encode()
    tampered = rewrite(
        package, tmp_path / "t.zip", {"ledger/entries.jsonl": changed}, fix_manifest=True
    )
    assert "不在签名树中" in verify_fails(tampered)


def test_a_changed_readable_timeline_fails_against_the_proven_events(package, tmp_path):
    rows = json.loads(members(package)["timeline.json"])
    rows[1]["time"] = "2026-01-01T00:00:00.000000Z"
    changed = json.dumps(rows, ensure_ascii=False).encode()
    tampered = rewrite(package, tmp_path / "t.zip", {"timeline.json": changed}, fix_manifest=True)
    assert "timeline.json 与经证明的全过程记录不一致" in verify_fails(tampered)


def test_a_forged_tree_head_fails_its_signature(package, tmp_path):
    head = json.loads(members(package)["ledger/tree-head.json"])
    payload = json.loads(head["payload"])
    payload["size"] += 1
    head["payload"] = json.dumps(payload, separators=(",", ":"), sort_keys=True)
    forged = json.dumps(head).encode()
    tampered = rewrite(
        package, tmp_path / "t.zip", {"ledger/tree-head.json": forged}, fix_manifest=True
    )
    assert "签名树头的签名无效" in verify_fails(tampered)


def test_a_head_re_signed_with_the_forger_s_own_key_fails_against_the_agency_key(package, tmp_path):
    """The key inside a package proves only that its signer held it; the agency's key, given
    on the command line, is what catches a head signed by someone else."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from sanxiang.ledger.canonical import canonical_json
    from sanxiang.ledger.signing import key_id

    head = json.loads(members(package)["ledger/tree-head.json"])
    forger = Ed25519PrivateKey.generate()
    pem = (
        forger.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    payload = {**json.loads(head["payload"]), "key_id": key_id(pem)}
    signed = canonical_json(payload)
    head.update(
        payload=signed.decode(),
        signature=base64.b64encode(forger.sign(signed)).decode(),
        public_key_pem=pem,
        key_id=key_id(pem),
    )
    tampered = rewrite(
        package,
        tmp_path / "t.zip",
        {"ledger/tree-head.json": json.dumps(head).encode()},
        fix_manifest=True,
    )
    fooled = package_verify(tampered)  # the included key alone is fooled …
    assert fooled.passed and "【提示】指定公钥：未指定" in fooled.text()  # … and the report says so
    assert "不是由指定公钥" in verify_fails(tampered, key=agency_key_pem())


def test_a_case_not_yet_closed_is_refused_with_the_article_and_nothing_changes(staff, on_spot_case):
    case = take(staff.zhang, on_spot_case("person"), "decide_on_spot")
    entries = LedgerEntry.objects.count()
    with pytest.raises(CommandError, match="行政处罚法第四十七条") as refused:
        call_command("archive", "build", case.number)
    assert "尚未结案" in str(refused.value)
    assert not CaseArchive.objects.exists()
    assert LedgerEntry.objects.count() == entries
    assert Case.objects.get(pk=case.pk).state == "served"


def test_the_archive_step_of_an_open_case_is_refused(staff, on_spot_case):
    case = take(staff.zhang, on_spot_case("person"), "decide_on_spot")
    with pytest.raises(TransitionRefused):
        take(staff.zhang, case, "archive")
    assert not CaseArchive.objects.exists()


def test_without_the_archive_app_no_case_is_archived(staff, on_spot_case, monkeypatch):
    from sanxiang.cases.workflow import effects

    case = closed_on_spot_case(staff, on_spot_case)
    monkeypatch.setattr(effects, "_archiver", None)
    with pytest.raises(TransitionRefused, match="归档模块未启用"):
        take(staff.zhang, case, "archive")
    assert Case.objects.get(pk=case.pk).state == "closed"
    assert not LedgerEntry.objects.filter(action="cases.case.archive").exists()


def test_the_build_command_writes_the_sealed_package(archived, tmp_path, capsys):
    out = tmp_path / "out.zip"
    call_command("archive", "build", archived.number, "--out", str(out))
    archive = CaseArchive.objects.get(case=archived)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == archive.package_sha256
    assert CaseArchive.objects.count() == 1  # the same package, not another one


def test_a_case_archived_before_packages_existed_is_sealed_by_build(staff, on_spot_case):
    case = closed_on_spot_case(staff, on_spot_case)
    Case.objects.filter(pk=case.pk).update(state="archived")  # archived before this app
    archive = archive_build(case_number=str(case.number))
    assert archive.sealed_by is None
    assert LedgerEntry.objects.get(action="archive.package.sealed").actor == "system"


def test_a_closed_case_is_archived_by_its_step_not_by_the_command(staff, on_spot_case):
    case = closed_on_spot_case(staff, on_spot_case)
    with pytest.raises(ArchiveRefused, match="归档"):
        archive_build(case_number=str(case.number))
    assert not CaseArchive.objects.exists()


def test_the_office_download_is_recorded_for_an_officer_who_may_see_the_case(
    client, staff, archived
):
    client.force_login(staff.li.user)
    page = client.get(f"/office/cases/{archived.pk}/").content.decode()
    assert f'href="/office/archive/{archived.pk}/package.zip"' in page
    response = client.get(f"/office/archive/{archived.pk}/package.zip")
    assert response.status_code == 200
    archive = CaseArchive.objects.get(case=archived)
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == archive.package_sha256
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/zip"
    access = PackageAccess.objects.get()
    assert (access.archive, access.officer) == (archive, staff.li)
    assert LedgerEntry.objects.filter(action="archive.package.downloaded").count() == 1


def test_an_officer_of_another_agency_cannot_download_the_package(
    client, staff, archived, django_user_model
):
    from sanxiang.org.models import Agency, Unit
    from tests.conftest import credit_code, make_officer

    other = Agency.objects.create(
        name="测试市市场监督管理局", credit_code=credit_code(7), level="municipal",
        region="测试市", address="测试市 7 号", phone="0999-7", authority_basis="文件",
    )  # fmt: skip
    user = django_user_model.objects.create_user("outsider", password="correct horse battery")
    make_officer(
        unit=Unit.objects.create(agency=other, name="稽查科"), name="外单位", number="99010017001",
        user=user, roles=("officer", "head"),
    )  # fmt: skip
    client.force_login(user)
    response = client.get(f"/office/archive/{archived.pk}/package.zip")
    assert response.status_code == 404
    assert "未找到该案件" in response.content.decode()
    assert not PackageAccess.objects.exists()
    assert not LedgerEntry.objects.filter(action="archive.package.downloaded").exists()


def test_the_same_contents_give_the_same_package_bytes(tmp_path):
    entries = [Entry("b.json", b"{}"), Entry("a/说明.txt", "内容".encode()), Entry("c", b"x")]
    first, second = tmp_path / "1.zip", tmp_path / "2.zip"
    with first.open("wb") as handle:
        package_write(handle, entries, {"format": "x"})
    time.sleep(1.1)  # a zip records seconds: a later write must not differ
    with second.open("wb") as handle:
        package_write(handle, list(reversed(entries)), {"format": "x"})
    assert first.read_bytes() == second.read_bytes()


def test_a_package_lost_from_storage_is_refused_in_chinese_and_no_access_is_recorded(
    client, staff, archived, tmp_path
):
    from sanxiang.evidence.storage import blob_name

    archive = CaseArchive.objects.get(case=archived)
    (tmp_path / "store" / blob_name(archive.package_sha256)).unlink()
    client.force_login(staff.zhang.user)
    response = client.get(f"/office/archive/{archived.pk}/package.zip")
    assert response.status_code == 404
    assert "归档包文件在存储中缺失" in response.content.decode()
    assert not PackageAccess.objects.exists()


def test_verify_runs_as_a_command_on_a_machine_without_the_database(package, tmp_path):
    """No migrated database, none reachable: ``sanxiang archive verify`` still checks."""
    import os
    import subprocess
    import sys

    pem = tmp_path / "agency.pem"
    pem.write_text(agency_key_pem(), encoding="utf-8")
    env = {
        **os.environ,
        "SANXIANG_VAR": str(tmp_path / "elsewhere"),
        "DATABASE_URL": "postgres://nobody:nothing@127.0.0.1:9/absent",
    }

    def run(path, action="verify"):
        command = [sys.executable, "-m", "sanxiang.cli", "archive", action, str(path)]
        return subprocess.run(
            [*command, "--key", str(pem)] if action == "verify" else command,
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    passed = run(package)
    assert passed.returncode == 0, passed.stderr
    assert "结论：核验通过" in passed.stdout
    tampered = rewrite(package, tmp_path / "t.zip", {"timeline.json": b"[]"})
    failed = run(tampered)
    assert failed.returncode == 1
    assert "结论：核验未通过" in failed.stdout
    needs_database = run("测城当罚〔2026〕1号", action="build")  # building does need it
    assert needs_database.returncode == 2 and "无法连接数据库" in needs_database.stderr


def test_evidence_above_the_size_cap_is_listed_with_its_hash_but_not_copied(
    staff, on_spot_case, monkeypatch, tmp_path
):
    monkeypatch.setenv("SANXIANG_ARCHIVE_BLOB_CAP_MB", "0")  # every file is above it
    case = take(staff.zhang, closed_on_spot_case(staff, on_spot_case), "archive")
    path = tmp_path / "package.zip"
    path.write_bytes(b"".join(package_bytes(CaseArchive.objects.get(case=case))))
    files = members(path)
    records = json.loads(files["evidence/records.json"])
    assert [r["file"] for r in records] == ["", ""]
    assert all(r["sha256"] == r["ledger_fields"]["blob"] for r in records)
    assert "超过随包附带上限" in records[0]["not_included_reason"]
    assert not any(name.startswith("evidence/files/") for name in files)
    report = package_verify(path, trusted_key=agency_key_pem())
    assert report.passed and "0 个文件随包附带" in report.text()


def test_the_partys_signature_on_the_spot_is_sealed_with_its_proof(staff, on_spot_case, tmp_path):
    from decimal import Decimal

    from django.utils import timezone

    from sanxiang.cases.models import CaseDocument, PartySignature
    from sanxiang.cases.services import document_generate, party_signature_record, payment_record
    from tests.cases.conftest import attach_record
    from tests.cases.test_party_signatures import png

    case = on_spot_case("person", Decimal("50"))
    case = take(staff.zhang, case, "decide_on_spot")
    document = document_generate(actor=staff.zhang, case_id=case.pk, kind="on_spot_decision")
    record = party_signature_record(
        actor=staff.zhang, case_id=case.pk, document_id=document.pk, image=png()
    )
    attach_record(staff, case)
    payment_record(
        actor=staff.zhang, case_id=case.pk, paid_on=timezone.localdate(), amount="50",
        channel="on_spot", receipt_number="财政票据 No.0012346",
    )  # fmt: skip
    take(staff.zhang, case, "execute")
    take(staff.zhang, case, "close")
    archived = take(staff.zhang, case, "archive")
    path = tmp_path / "signed.zip"
    path.write_bytes(b"".join(package_bytes(CaseArchive.objects.get(case=archived))))
    timeline = json.loads(members(path)["timeline.json"])
    signed = [row for row in timeline if row["action"] == "cases.document.party_signed"]
    assert [row["label"] for row in signed] == ["当事人签名"]
    report = package_verify(path, trusted_key=agency_key_pem())
    assert report.passed, report.text()
    assert PartySignature.objects.get().pk == record.pk
    assert CaseDocument.objects.filter(case=archived).count() == 1
