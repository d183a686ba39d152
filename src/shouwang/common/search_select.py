"""A select for lists that grow to thousands (premises, companies, grids, officers): it holds
the chosen option and the first ``SHOWN`` of the list, and a search box above it replaces
its options with the matches (HTMX).

The field validates against its whole queryset as before; only what is rendered shrinks.
Without scripts the first options and the chosen one still work. A select whose page has
not set a ``search_url`` renders every option, so nothing becomes unreachable by mistake.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.db.models import Model, Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

SHOWN = 50
QUERY = "q"  # the search box's name; the forms that hold it ignore it


def _ids(values: Iterable[Any]) -> list[int]:
    return [int(v) for v in values if str(v).isdecimal() and len(str(v)) <= 18]


def shown[M: Model](
    queryset: QuerySet[M], chosen: Iterable[Any], q: str = "", fields: Sequence[str] = ()
) -> list[M]:
    """The chosen rows, then the first ``SHOWN`` others (those with ``q`` in one of ``fields``)."""
    ids = _ids(chosen)
    rest = queryset.exclude(pk__in=ids)
    if q and fields:
        match = Q()
        for name in fields:
            match |= Q(**{f"{name}__icontains": q})
        rest = rest.filter(match)
    return [*queryset.filter(pk__in=ids), *rest[:SHOWN]]


class SearchSelect(forms.Select):
    template_name = "common/widgets/search_select.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, fields: Sequence[str] = ()) -> None:
        super().__init__(attrs)
        self.fields = tuple(fields)  # what the search box matches, e.g. ("name", "address")
        self.search_url = ""

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> Any:
        everything = self.choices
        if self.search_url and isinstance(everything, ModelChoiceIterator):
            assert everything.queryset is not None
            empty = everything.field.empty_label
            few: list[Any] = [("", empty)] if empty is not None else []
            few += [everything.choice(row) for row in shown(everything.queryset, value)]
            self.choices = few
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everything

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        everything = self.choices
        context = super().get_context(name, value, attrs)
        empty = None
        if isinstance(everything, ModelChoiceIterator):
            empty = everything.field.empty_label
        context["widget"].update(search_url=self.search_url, query_name=QUERY, empty_label=empty)
        return context


def use_search(field: forms.Field, url: str) -> None:
    """Let ``field``'s select show a few options and search the rest at ``url``."""
    assert isinstance(field.widget, SearchSelect), "the field's widget is a SearchSelect"
    field.widget.search_url = url


def search_options(request: HttpRequest, field: forms.Field) -> HttpResponse:
    """The options for what was typed (``q``): the matches among the rows the field takes,
    with the chosen one (the select's value, sent under its ``name``) kept and selected."""
    assert isinstance(field, forms.ModelChoiceField) and isinstance(field.widget, SearchSelect)
    assert field.queryset is not None
    q = request.GET.get(QUERY, "").strip()[:100]
    chosen: Sequence[str] = request.GET.getlist(request.GET.get("name", ""))
    rows = shown(field.queryset, chosen, q, field.widget.fields)
    context = {
        "options": [(row.pk, field.label_from_instance(row)) for row in rows],
        "chosen": _ids(chosen),
        "empty": field.empty_label,
    }
    return render(request, "common/partials/search_options.html", context)
