"""Short notices that apps above ``cases`` put on the case page, without ``cases`` importing them.

An app installs a provider in its ``AppConfig.ready`` (as ``acts`` installs its publisher); the
case page asks every provider for the notes of the case as the officer may see them. A note is
one line and a link to the app's own page; the work itself happens there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sanxiang.cases.models import Case
from sanxiang.org.models import Officer


@dataclass(frozen=True)
class PageNote:
    text: str
    url: str = ""
    link: str = ""
    urgent: bool = False


Provider = Callable[[Case, Officer], list[PageNote]]
_PROVIDERS: list[Provider] = []
# Yes/no facts a provider asks of the case in the query that fetches it for the page (as the
# page's own facts, ``selectors._PAGE_FACTS_SQL``), by the attribute the fetched case carries.
_FACTS: dict[str, tuple[str, tuple[object, ...]]] = {}


def page_note_provider_install(provider: Provider) -> None:
    """Add ``provider`` (once, however often ``ready`` runs)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def page_fact_install(name: str, sql: str, params: tuple[object, ...] = ()) -> None:
    """Ask ``sql`` (an SQL condition, constant but for the bound ``params``; ``{case}`` the case
    table, as the outer query names it) of the case when it is fetched for its page: the fetched
    case then carries the answer as ``name`` (a provider reads it with ``getattr``, for a case
    fetched otherwise does not have it). Saves the provider a query of its own on every page
    where the answer is no."""
    _FACTS[name] = (sql, params)


def page_facts_installed() -> Mapping[str, tuple[str, tuple[object, ...]]]:
    return _FACTS


def page_notes(case: Case, officer: Officer) -> list[PageNote]:
    return [note for provider in _PROVIDERS for note in provider(case, officer)]
