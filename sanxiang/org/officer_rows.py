"""Officers' roles, certificates and the certificates' categories, read in one query.

Every office request reads the viewer's roles and certificates (what he may do is decided from
them), and the case page reads its handlers' too (the guards ask whether each holds a valid
certificate). ``prefetch_related("roles", Prefetch("certificates", ...categories))`` costs three
queries per set of officers; on a server where each query costs Django about a millisecond of
CPU and the database another half, that was a fifth of a case page.

``load_roles_and_certificates`` reads the same rows with one hand-written ``UNION ALL`` (one row
per role, one per certificate-category pair, a certificate without category once) and fills the
same caches ``prefetch_related`` would: ``officer.roles.all()``, ``officer.certificates.all()``
(the latest valid first, as ``Certificate.Meta.ordering`` within one officer) and
``certificate.categories.all()`` (by code, as ``EnforcementCategory.Meta.ordering``; ties in
``valid_until`` by id, where the ORM's order left them to the database). ``login_user`` reads
the log-in's user, officer, unit and agency in the same query (the auth backend's ``get_user``,
on every request). Nothing is kept between requests: a revoked certificate, a removed role or an
officer taken off duty shows at the next request.

Hand-written rather than the ORM's because the ORM has no way to read two unrelated tables in
one query into model instances; the columns are taken from the models, and the values pass
through the same database converters the ORM applies (SQLite keeps dates as text).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

from sanxiang.core.prefetched import fill_prefetched
from sanxiang.org.models import (
    Agency,
    Certificate,
    EnforcementCategory,
    Officer,
    RoleAssignment,
    Unit,
)

Converter = Callable[[Any, Any, Any], Any]


def _fields(model: type[Model]) -> list[Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def _converters(
    model: type[Model], connection: BaseDatabaseWrapper
) -> list[list[tuple[Converter, Any]]]:
    """For each concrete field of ``model``: the converters the ORM applies to its column."""
    found = []
    for field in _fields(model):
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        found.append([(converter, column) for converter in converters])
    return found


def _convert(
    values: Sequence[Any],
    converters: list[list[tuple[Converter, Any]]],
    connection: BaseDatabaseWrapper,
) -> list[Any]:
    converted = list(values)
    for index, chain in enumerate(converters):
        for converter, column in chain:
            converted[index] = converter(converted[index], column, connection)
    return converted


def _head_models() -> list[type[Model]]:
    """The models of the log-in's head row: the user, his officer, the unit, the agency."""
    return [get_user_model(), Officer, Unit, Agency]


def _sql(officers: str, connection: BaseDatabaseWrapper, *, head: bool = False) -> str:
    """The ``UNION ALL`` for the officers whose ids ``officers`` (an SQL list or subquery)
    gives: columns ``kind, officer_id``, then (with ``head``) the user's, officer's, unit's and
    agency's fields, then the role's fields, the certificate's, the category's — NULL where the
    row is not of that kind. Kind -1 is the head row, 0 a role, 1 a certificate-category."""
    quote = connection.ops.quote_name
    head_fields = [field for model in _head_models() for field in _fields(model)] if head else []
    role_fields, certificate_fields, category_fields = (
        _fields(RoleAssignment),
        _fields(Certificate),
        _fields(EnforcementCategory),
    )
    through = Certificate.categories.through._meta
    through_certificate = through.get_field("certificate").column
    through_category = through.get_field("enforcementcategory").column

    def columns(alias: str, fields: list[Field[Any, Any]]) -> list[str]:
        return [f"{alias}.{quote(field.column)}" for field in fields]

    def nulls(fields: list[Field[Any, Any]]) -> list[str]:
        # Typed: PostgreSQL resolves a three-part UNION two parts at a time, and a column NULL
        # in the first two would be taken for text.
        return [f"CAST(NULL AS {field.db_type(connection)})" for field in fields]

    officer_column = quote(RoleAssignment._meta.get_field("officer").column)
    certificate_officer = quote(Certificate._meta.get_field("officer").column)
    roles = ", ".join(
        [
            "0",
            f"r.{officer_column}",
            *nulls(head_fields),
            *columns("r", role_fields),
            *nulls(certificate_fields),
            *nulls(category_fields),
        ]
    )
    certificates = ", ".join(
        [
            "1",
            f"c.{certificate_officer}",
            *nulls(head_fields),
            *nulls(role_fields),
            *columns("c", certificate_fields),
            *columns("k", category_fields),
        ]
    )
    first = ""
    if head:
        user, officer, unit, agency = _head_models()
        heads = ", ".join(
            [
                "-1",
                "ho.id",
                *[
                    column
                    for model, alias in zip(_head_models(), ("hu", "ho", "hn", "ha"), strict=True)
                    for column in columns(alias, _fields(model))
                ],
                *nulls(role_fields),
                *nulls(certificate_fields),
                *nulls(category_fields),
            ]
        )
        officer_user = quote(Officer._meta.get_field("user").column)
        officer_unit = quote(Officer._meta.get_field("unit").column)
        unit_agency = quote(Unit._meta.get_field("agency").column)
        first = (
            f"SELECT {heads} FROM {quote(user._meta.db_table)} hu"  # noqa: S608 - our tables
            f" LEFT JOIN {quote(officer._meta.db_table)} ho ON ho.{officer_user} = hu.id"
            f" LEFT JOIN {quote(unit._meta.db_table)} hn ON hn.id = ho.{officer_unit}"
            f" LEFT JOIN {quote(agency._meta.db_table)} ha ON ha.id = hn.{unit_agency}"
            " WHERE hu.id = %s UNION ALL "
        )
    # ORDER BY positions (1-based): kind, officer, then within the officer the role's id; the
    # certificate's valid_until descending and id; the category's code and id.
    role_at = 3 + len(head_fields)
    certificate_at = role_at + len(role_fields)
    category_at = certificate_at + len(certificate_fields)
    role_id = role_at + _index(role_fields, "id")
    valid_until = certificate_at + _index(certificate_fields, "valid_until")
    certificate_id = certificate_at + _index(certificate_fields, "id")
    category_code = category_at + _index(category_fields, "code")
    category_id = category_at + _index(category_fields, "id")
    return (
        f"{first}SELECT {roles} FROM {quote(RoleAssignment._meta.db_table)} r"  # noqa: S608
        f" WHERE r.{officer_column} IN ({officers})"
        " UNION ALL"
        f" SELECT {certificates} FROM {quote(Certificate._meta.db_table)} c"
        f" LEFT JOIN {quote(through.db_table)} t ON t.{quote(through_certificate)} = c.id"
        f" LEFT JOIN {quote(EnforcementCategory._meta.db_table)} k"
        f" ON k.id = t.{quote(through_category)}"
        f" WHERE c.{certificate_officer} IN ({officers})"
        f" ORDER BY 1, 2, {role_id}, {valid_until} DESC, {certificate_id},"
        f" {category_code}, {category_id}"
    )


@functools.lru_cache(maxsize=64)
def _plan(alias: str, count: int) -> str:
    """The SQL for ``count`` officers on database ``alias`` (built once per process: it depends
    on the models and the database engine only)."""
    return _sql(", ".join(["%s"] * count), connections[alias])


@functools.lru_cache(maxsize=4)
def _login_plan(alias: str) -> str:
    """The SQL for one log-in's user, officer, unit, agency, roles and certificates."""
    connection = connections[alias]
    officer = (
        f"SELECT id FROM {connection.ops.quote_name(Officer._meta.db_table)}"  # noqa: S608
        f" WHERE {connection.ops.quote_name(Officer._meta.get_field('user').column)} = %s"
    )
    return _sql(officer, connection, head=True)


@functools.lru_cache(maxsize=32)
def _converters_of(alias: str, model: type[Model]) -> list[list[tuple[Converter, Any]]]:
    # Seven models a database (the head row's four, the role's, certificate's, category's):
    # room for them all on a primary and a replica, else each log-in evicts the last's.
    return _converters(model, connections[alias])


def _index(fields: list[Field[Any, Any]], name: str) -> int:
    return next(index for index, field in enumerate(fields) if field.name == name)


def load_roles_and_certificates(officers: Iterable[Officer]) -> None:
    """Fill each officer's ``roles``, ``certificates`` and their ``categories`` in one query
    (none when ``officers`` is empty), as ``prefetch_related`` would."""
    by_pk: dict[int, list[Officer]] = {}
    for officer in officers:
        by_pk.setdefault(officer.pk, []).append(officer)
    if not by_pk:
        return
    ids = list(by_pk)
    alias = router.db_for_read(Officer)
    with connections[alias].cursor() as cursor:
        cursor.execute(_plan(alias, len(ids)), ids + ids)
        rows = cursor.fetchall()
    _fill(alias, rows, by_pk, head_width=0)


def login_user(user_id: Any) -> Model | None:
    """The user ``user_id`` with his officer (if any), the officer's unit and agency, roles,
    certificates and their categories, in one query — what ``select_related("officer__unit__
    agency")`` and ``load_roles_and_certificates`` read in four. None for no such user.

    The officer's roles and certificates are marked as read with the log-in: the first
    ``officer_of_request`` of the request takes them (``take_login_rows``), later ones read
    afresh.
    """
    user_model = get_user_model()
    alias = router.db_for_read(user_model)
    with connections[alias].cursor() as cursor:
        cursor.execute(_login_plan(alias), [user_id, user_id, user_id])
        rows = cursor.fetchall()
    if not rows or rows[0][0] != -1:
        return None
    head, rest = rows[0], rows[1:]
    connection = connections[alias]
    instances: list[Any] = []
    at = 2
    for model in _head_models():
        fields = _fields(model)
        values = head[at : at + len(fields)]
        at += len(fields)
        if values[_index(fields, model._meta.pk.name)] is None:  # no officer for this log-in
            instances.append(None)
            continue
        converted = _convert(values, _converters_of(alias, model), connection)
        instances.append(model.from_db(alias, [field.attname for field in fields], converted))
    user, officer, unit, agency = instances
    cached: Any = user_model._meta.get_field("officer")  # as select_related leaves them
    cached.set_cached_value(user, officer)
    if officer is None:
        return cast(Model, user)
    for field, instance, value in (
        (Officer._meta.get_field("user"), officer, user),
        (Officer._meta.get_field("unit"), officer, unit),
        (Unit._meta.get_field("agency"), unit, agency),
    ):
        cached = field
        cached.set_cached_value(instance, value)
    _fill(alias, rest, {officer.pk: [officer]}, head_width=at - 2)
    officer.__dict__["_login_rows"] = True
    return cast(Model, user)


def take_login_rows(officer: Officer) -> bool:
    """Whether ``officer``'s roles and certificates were read with the log-in and not taken
    yet; taking them, so that a second read in the same request asks the database again."""
    return bool(officer.__dict__.pop("_login_rows", False))


def _fill(
    alias: str, rows: list[tuple[Any, ...]], by_pk: dict[int, list[Officer]], *, head_width: int
) -> None:
    """Build the roles, certificates and categories of ``rows`` (columns as ``_sql`` gives
    them, ``head_width`` head columns after ``kind, officer_id``) and fill the caches."""
    connection = connections[alias]
    role_converters = _converters_of(alias, RoleAssignment)
    certificate_converters = _converters_of(alias, Certificate)
    category_converters = _converters_of(alias, EnforcementCategory)
    role_fields, certificate_fields = _fields(RoleAssignment), _fields(Certificate)
    category_fields = _fields(EnforcementCategory)
    role_at = 2 + head_width
    role_end = role_at + len(role_fields)
    certificate_end = role_end + len(certificate_fields)
    certificate_id = role_end + _index(certificate_fields, "id")
    category_id = certificate_end + _index(category_fields, "id")
    role_names = [field.attname for field in role_fields]
    certificate_names = [field.attname for field in certificate_fields]
    category_names = [field.attname for field in category_fields]

    roles: dict[int, list[RoleAssignment]] = {pk: [] for pk in by_pk}
    certificates: dict[int, list[Certificate]] = {pk: [] for pk in by_pk}
    categories: dict[int, list[EnforcementCategory]] = {}
    for row in rows:
        officer_id = row[1]
        if row[0] == 0:
            values = _convert(row[role_at:role_end], role_converters, connection)
            roles[officer_id].append(RoleAssignment.from_db(alias, role_names, values))
            continue
        certificate_pk = row[certificate_id]
        if certificate_pk not in categories:
            values = _convert(row[role_end:certificate_end], certificate_converters, connection)
            certificates[officer_id].append(Certificate.from_db(alias, certificate_names, values))
            categories[certificate_pk] = []
        if row[category_id] is not None:
            values = _convert(row[certificate_end:], category_converters, connection)
            categories[certificate_pk].append(
                EnforcementCategory.from_db(alias, category_names, values)
            )
    officer_field = RoleAssignment._meta.get_field("officer")
    certificate_officer = Certificate._meta.get_field("officer")
    for pk, instances in by_pk.items():
        for officer in instances:
            for role in roles[pk]:
                officer_field.set_cached_value(role, officer)
            for certificate in certificates[pk]:
                certificate_officer.set_cached_value(certificate, officer)
            fill_prefetched(officer, "roles", roles[pk])
            fill_prefetched(officer, "certificates", certificates[pk])
    for certificate_list in certificates.values():
        for certificate in certificate_list:
            fill_prefetched(certificate, "categories", categories[certificate.pk])
