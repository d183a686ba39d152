"""The registry of case kinds. A domain declares its kind once; the engine does the rest."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import TextChoices
from django_stubs_ext import StrOrPromise

from shouwang.orgs.roles import Cap


@dataclass(frozen=True)
class CaseKind:
    name: str
    # What pages call the kind (gettext_lazy): the name is an identifier, not a word.
    label: StrOrPromise
    prefix: str
    grades: type[TextChoices]
    default_sla_hours: dict[str, int]
    # The URL name of a case's page (taking its pk), for links in notices.
    detail_url: str
    # Which capability each kind of step needs: view, register, manage, rectify, verify.
    caps: dict[str, Cap] = field(default_factory=dict)
    # Fields of the domain model that the list's text search reads besides the title.
    search_fields: tuple[str, ...] = ()
    # True for kinds closed by a decision (结案) rather than by verifying a rectification.
    closes_directly: bool = False
    # The evidence a case of this kind takes, and the step whose capability each needs.
    evidence_steps: dict[str, str] = field(
        default_factory=lambda: {"before": "register", "after": "rectify", "verification": "verify"}
    )

    def reference(self, pk: int | None) -> str:
        return f"{self.prefix}{pk or 0:07d}"

    def parse_reference(self, text: str) -> int | None:
        text = text.strip().upper()
        if text.startswith(self.prefix) and text[len(self.prefix) :].isdigit():
            return int(text[len(self.prefix) :])
        return None


def search_text(*parts: str) -> str:
    """The text a case's search matches: its parts lower-cased, one line. Queries are
    lower-cased the same way and matched with a plain substring test, which a trigram index
    serves on PostgreSQL."""
    return " ".join(p.strip() for p in parts if p and p.strip()).lower()


_KINDS: dict[str, CaseKind] = {}


def register_kind(kind: CaseKind) -> CaseKind:
    _KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> CaseKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"unknown case kind {name!r}") from None


def all_kinds() -> list[CaseKind]:
    return list(_KINDS.values())
