"""Every write to org data outside the admin's master-data forms goes through here."""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction

from sanxiang.errors import DomainError
from sanxiang.ledger.services import actor_for, sha256_hex
from sanxiang.org.events import (
    OrgEvent,
    category_loaded,
    law_loaded,
    officer_imported,
    officer_password_event,
    user_password_changed,
)
from sanxiang.org.importing import (
    OfficerImportRejected,
    RawRow,
    RowError,
    parse_date,
    read_table,
    split_list,
)
from sanxiang.org.laws import parse_statute
from sanxiang.org.models import (
    Agency,
    Article,
    Certificate,
    EnforcementCategory,
    Gender,
    Law,
    Officer,
    Role,
    RoleAssignment,
    Unit,
)
from sanxiang.org.validators import CERTIFICATE_NUMBER_HINT, normalize_certificate_number

logger = logging.getLogger(__name__)

_MAX_CERTIFICATE_YEARS = 10
_YES = {"是", "有", "具有", "1", "Y", "YES", "TRUE"}
_NO = {"否", "无", "", "0", "N", "NO", "FALSE"}
_GENDERS = {label: value for value, label in Gender.choices}
_ROLES = {str(label): value for value, label in Role.choices}


@dataclass(frozen=True)
class _CheckedOfficer:
    name: str
    gender: str
    unit: Unit
    post: str
    number: str
    categories: list[EnforcementCategory]
    region: str
    valid_from: date
    valid_until: date
    has_legal_qualification: bool
    roles: list[str]


@dataclass
class _RowChecker:
    """Checks one row of an officer list against the database's master data."""

    units: dict[tuple[str, str], Unit]
    agencies: set[str]
    categories: dict[str, EnforcementCategory]
    taken: set[str]
    first_row_of: dict[str, int] = field(default_factory=dict)

    def check(
        self, row: RawRow, number: str | None
    ) -> tuple[list[RowError], _CheckedOfficer | None]:
        """Every problem of ``row`` (with its column), or the officer it describes."""
        problems: list[RowError] = []

        def problem(column: str, message: str) -> None:
            problems.append(RowError(row.row, column, message))

        name = row.text("姓名")
        if not name:
            problem("姓名", "姓名不能为空。")
        elif len(name) > 50:
            problem("姓名", "姓名过长（最多 50 个字）。")
        gender = _GENDERS.get(row.text("性别"))
        if gender is None:
            problem("性别", f"性别应填“男”或“女”，而不是“{row.text('性别')}”。")
        agency_name, unit_name = row.text("执法主体"), row.text("内设机构")
        unit = self.units.get((agency_name, unit_name))
        if agency_name not in self.agencies:
            problem("执法主体", f"执法主体“{agency_name}”不存在，请先在管理后台录入，或核对名称。")
        elif unit is None:
            problem("内设机构", f"“{agency_name}”下没有内设机构“{unit_name}”，请先录入或核对名称。")
        if number is None:
            problem("执法证号", CERTIFICATE_NUMBER_HINT)
        elif number in self.taken:
            problem("执法证号", f"执法证号 {number} 已登记在系统中，不能重复导入。")
        elif number in self.first_row_of:
            problem("执法证号", f"执法证号 {number} 与第 {self.first_row_of[number]} 行重复。")
        else:
            self.first_row_of[number] = row.row
        wanted = split_list(row.text("执法类别"))
        unknown = [item for item in wanted if item not in self.categories]
        if not wanted:
            problem("执法类别", "执法类别不能为空。")
        elif unknown:
            known = "、".join(self.categories)
            problem("执法类别", f"未知的执法类别：{'、'.join(unknown)}。可选：{known}。")
        region = row.text("执法区域")
        if not region:
            problem("执法区域", "执法区域不能为空。")
        valid_from = parse_date(row.cells.get("有效期起"))
        valid_until = parse_date(row.cells.get("有效期止"))
        for column, value in (("有效期起", valid_from), ("有效期止", valid_until)):
            if value is None:
                problem(column, f"日期“{row.text(column)}”无法识别，请写成 2026-01-31 的形式。")
            elif not 1990 <= value.year <= 2100:
                problem(column, f"日期 {value} 不在合理范围内，请核对年份。")
        if valid_from and valid_until:
            if valid_until < valid_from:
                problem("有效期止", "有效期止早于有效期起，请核对。")
            elif (valid_until - valid_from).days > _MAX_CERTIFICATE_YEARS * 366:
                problem("有效期止", f"有效期超过 {_MAX_CERTIFICATE_YEARS} 年，请核对。")
        qualification = row.text("法律职业资格").upper()
        if qualification not in _YES | _NO:
            raw = row.text("法律职业资格")
            problem("法律职业资格", f"法律职业资格应填“是”或“否”，而不是“{raw}”。")
        role_names = split_list(row.text("角色")) or [str(Role.OFFICER.label)]
        bad_roles = [item for item in role_names if item not in _ROLES]
        if bad_roles:
            problem("角色", f"未知的角色：{'、'.join(bad_roles)}。可选：{'、'.join(_ROLES)}。")
        if problems or not (unit and gender and number and valid_from and valid_until):
            return problems, None
        return problems, _CheckedOfficer(
            name=name,
            gender=gender,
            unit=unit,
            post=row.text("职务"),
            number=number,
            categories=[self.categories[item] for item in wanted],
            region=region,
            valid_from=valid_from,
            valid_until=valid_until,
            has_legal_qualification=qualification in _YES,
            roles=[_ROLES[item] for item in role_names],
        )


def _actor_label(actor: AbstractBaseUser | AnonymousUser | None) -> str:
    return actor.get_username() if actor is not None and actor.is_authenticated else "system"


@transaction.atomic
def officers_import(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    filename: str,
    content: bytes,
    max_bytes: int,
) -> list[Officer]:
    """Import an officer list (执法人员名册); every row is checked, any bad row imports nothing.

    Raises ``ImportFileError`` for an unreadable file and ``OfficerImportRejected`` (with one
    ``RowError`` per problem) for bad rows.
    """
    rows = read_table(filename, content, max_bytes=max_bytes)
    units = {
        (unit.agency.name, unit.name): unit
        for unit in Unit.objects.select_related("agency").order_by()
    }
    agencies = {name for name, _ in units} | set(Agency.objects.values_list("name", flat=True))
    categories = {category.name: category for category in EnforcementCategory.objects.all()}
    numbers_in_file = [normalize_certificate_number(row.text("执法证号")) for row in rows]
    taken = set(
        Certificate.objects.filter(number__in=[n for n in numbers_in_file if n]).values_list(
            "number", flat=True
        )
    )
    checker = _RowChecker(units=units, agencies=agencies, categories=categories, taken=taken)
    errors: list[RowError] = []
    checked: list[_CheckedOfficer] = []
    for row, number in zip(rows, numbers_in_file, strict=True):
        problems, good = checker.check(row, number)
        errors.extend(problems)
        if good is not None:
            checked.append(good)
    if errors:
        logger.info("officer import by %s refused: %d problems", _actor_label(actor), len(errors))
        raise OfficerImportRejected(errors)
    file_sha256 = sha256_hex(content)
    created = []
    for item in checked:
        officer = _officer_create(item)
        officer_imported(officer, actor=actor_for(actor), file_sha256=file_sha256)
        created.append(officer)
    logger.info(
        "officer import by %s from %r: %d officers created",
        _actor_label(actor),
        filename,
        len(created),
    )
    return created


def _officer_create(item: _CheckedOfficer) -> Officer:
    officer = Officer(
        name=item.name,
        gender=item.gender,
        unit=item.unit,
        post=item.post,
        has_legal_qualification=item.has_legal_qualification,
    )
    officer.full_clean()
    officer.save()
    certificate = Certificate(
        officer=officer,
        number=item.number,
        region=item.region,
        valid_from=item.valid_from,
        valid_until=item.valid_until,
    )
    certificate.full_clean()
    certificate.save()
    certificate.categories.set(item.categories)
    RoleAssignment.objects.bulk_create(RoleAssignment(officer=officer, role=r) for r in item.roles)
    return officer


@transaction.atomic
def categories_load(*, path: Path) -> int:
    """Load 执法类别 from a ``code,name`` CSV; returns how many rows were created or renamed."""
    count = 0
    with path.open(encoding="utf-8") as handle:
        for line in csv.DictReader(handle):
            code, name = line["code"].strip(), line["name"].strip()
            category = EnforcementCategory.objects.filter(code=code).first()
            if category is not None and category.name == name:
                continue
            category, _ = EnforcementCategory.objects.update_or_create(
                code=code, defaults={"name": name}
            )
            category_loaded(category)
            count += 1
    return count


@transaction.atomic
def laws_load(*, index: Path) -> list[Law]:
    """Load every statute listed in ``index`` (data/laws/index.csv); re-running changes nothing.

    An article whose text differs from the loaded one is updated and the change logged, so a
    corrected source file is picked up; articles are never deleted (other rows cite them).
    """
    loaded: list[Law] = []
    with index.open(encoding="utf-8") as handle:
        entries = list(csv.DictReader(handle))
    for entry in entries:
        source = (index.parent / entry["file"]).read_bytes()
        parsed = parse_statute(source.decode("utf-8"))
        if parsed.title != entry["title"]:
            raise ValueError(f"{entry['file']}: title {parsed.title!r} != index {entry['title']!r}")
        law, changed = Law.objects.update_or_create(
            title=entry["title"],
            effective_on=date.fromisoformat(entry["effective_on"]),
            defaults={
                "kind": entry["kind"],
                "issuer": entry["issuer"],
                "promulgated_on": date.fromisoformat(entry["promulgated_on"]),
                "source": entry["source"],
            },
        )
        existing = {article.number: article for article in law.articles.all()}
        for item in parsed.articles:
            article = existing.get(item.number)
            if article is None:
                Article.objects.create(
                    law=law,
                    number=item.number,
                    label=item.label,
                    chapter=item.chapter,
                    text=item.text,
                )
                changed = True
            elif (article.text, article.chapter) != (item.text, item.chapter):
                logger.info("law %s article %s text updated from source", law.pk, item.number)
                article.text, article.chapter = item.text, item.chapter
                article.save(update_fields=["text", "chapter"])
                changed = True
        if changed:
            law_loaded(law, source)
        loaded.append(law)
    return loaded


# --- passwords ----------------------------------------------------------------------------------

# Temporary passwords are read out or handed over on paper: no 0/O or 1/I/l to misread.
_TEMPORARY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
TEMPORARY_PASSWORD_LENGTH = 14


def password_change(*, user: User, new_password: str) -> None:
    """An officer sets his own password (the view has checked the old one).

    Django's validators apply and the new password must differ from the current one; the
    ledger records that it changed, never the password or a hash of it. A reset's "must change
    at next log-in" ends here.
    """
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if user.check_password(new_password):
        # Else the temporary password an administrator read out after a reset would stay the
        # officer's password, known to the administrator.
        raise ValidationError(
            "新密码不能与当前密码相同（管理员重置后发给您的临时密码也不能继续使用），请另设一个。",
            code="password_unchanged",
        )
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        officer = Officer.objects.filter(user_id=user.pk).select_related("unit").first()
        agency_id = officer.unit.agency_id if officer is not None else None
        # The digests are of the rows as saved (as the admin records them): the password's
        # salted hash is in the user row, the password itself nowhere.
        user_password_changed(user, actor=actor_for(user), agency_id=agency_id)
        if officer is not None and officer.password_must_change:
            officer.password_must_change = False
            officer.save(update_fields=["password_must_change"])
            officer_password_event(
                officer, OrgEvent.OFFICER_PASSWORD_SET_AFTER_RESET, actor=actor_for(user)
            )
    logger.info("user %s changed his password", user.pk)


class PasswordResetRefused(DomainError):
    """An administrator may not reset this officer's password."""


def _password_reset_refusal(actor: AbstractBaseUser, user: User) -> str | None:
    """Why ``actor`` may not reset ``user``'s password, or None. A reset hands the actor the
    account, so it may not reach an account with more power than the actor's own: a superuser's
    only by a superuser, another administrator's (管理后台) only by one who may change user
    accounts (as Django's own password form for users requires)."""
    if getattr(actor, "is_superuser", False):
        return None
    if user.is_superuser:
        return "该账号是超级管理员，只有超级管理员可以重置其密码。"
    if user.is_staff and not actor.has_perm("auth.change_user"):  # type: ignore[attr-defined]
        return "该账号可以登录管理后台；重置其密码需要“修改用户”权限，请联系超级管理员。"
    return None


def password_reset(*, actor: AbstractBaseUser, officer_id: int) -> str:
    """An administrator gives an officer a one-time temporary password, returned once.

    The officer must set his own password at the next log-in (``password_must_change``);
    sessions open with the old password end (Django checks the password hash per session),
    and a log-in lockout of the name is lifted. The ledger records who reset whose password.
    """
    import secrets

    with transaction.atomic():
        officer = Officer.objects.select_for_update().filter(pk=officer_id).first()
        user = officer.user if officer is not None else None
        if officer is None or user is None:
            raise PasswordResetRefused(
                "该执法人员没有登录账号，无法重置密码；请先在“登录账号”中关联账号。",
                log_message=f"officer {officer_id} has no account",
            )
        refusal = _password_reset_refusal(actor, user)
        if refusal is not None:
            raise PasswordResetRefused(
                refusal,
                log_message=f"user {actor.pk} may not reset the password of user {user.pk}",
            )
        temporary = "".join(
            secrets.choice(_TEMPORARY_ALPHABET) for _ in range(TEMPORARY_PASSWORD_LENGTH)
        )
        user.set_password(temporary)
        user.save(update_fields=["password"])
        officer.password_must_change = True
        officer.save(update_fields=["password_must_change"])
        officer_password_event(officer, OrgEvent.OFFICER_PASSWORD_RESET, actor=actor_for(actor))
    from axes.utils import reset as axes_reset

    axes_reset(username=user.get_username())
    logger.info("officer %s: password reset by user %s", officer.pk, actor.pk)
    return temporary
