"""Short notices that apps above ``cases`` put on the case page, without ``cases`` importing them.

An app installs a provider in its ``AppConfig.ready`` (as ``acts`` installs its publisher); the
case page asks every provider for the notes of the case as the officer may see them. A note is
one line and a link to the app's own page; the work itself happens there.
"""

from __future__ import annotations

from collections.abc import Callable
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


def page_note_provider_install(provider: Provider) -> None:
    """Add ``provider`` (once, however often ``ready`` runs)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def page_notes(case: Case, officer: Officer) -> list[PageNote]:
    return [note for provider in _PROVIDERS for note in provider(case, officer)]
