"""Full-text search: weighted PostgreSQL vectors, and a plain match elsewhere.

On PostgreSQL each searchable model keeps a ``search_vector`` column (a GIN
index makes it fast) built from its own text and the names of the records it
points to, weighted so that names and titles rank above summaries, and
summaries above quotes. The vector is refreshed after every save (and in bulk
by the loaders); ``q`` is read as a web search (words, "quoted phrases", -not)
and results can be ordered by relevance.

On SQLite, the embedded default, the same ``q`` matches every word (or quoted
phrase) case-insensitively against the same fields, so simple queries give
the same results.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, JSONField, Model, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast

SEARCH_CONFIG = "english"


@dataclass(frozen=True)
class SearchDocument:
    """The text a model is found by, field paths grouped by weight.

    A path is a field of the model, ``relation__field`` for a field of a record
    it points to, or a JSON list field (aliases), which is searched as text.
    """

    A: tuple[str, ...] = ()
    B: tuple[str, ...] = ()
    C: tuple[str, ...] = ()

    def paths(self) -> tuple[str, ...]:
        return self.A + self.B + self.C

    def weighted_paths(self) -> list[tuple[str, str]]:
        return [(path, weight) for weight in ("A", "B", "C") for path in getattr(self, weight)]


def _text_of(model: type[Model], path: str) -> Any:
    """An expression for a path that an UPDATE may use (no joins: subqueries)."""
    if "__" in path:
        relation, field = path.split("__", 1)
        related = model._meta.get_field(relation).related_model
        assert isinstance(related, type)
        assert issubclass(related, Model)
        return Subquery(
            related._default_manager.filter(pk=OuterRef(f"{relation}_id")).values(field)[:1]
        )
    if isinstance(model._meta.get_field(path), JSONField):
        return Cast(F(path), TextField())
    return F(path)


def piece_vector(model: type[Model], path: str, weight: str) -> SearchVector:
    """The weighted vector of one path of a model's document."""
    return SearchVector(_text_of(model, path), weight=weight, config=SEARCH_CONFIG)


def vector_for(model: type[Model], document: SearchDocument) -> Combinable:
    vectors = [piece_vector(model, path, weight) for path, weight in document.weighted_paths()]
    combined: Combinable = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def uses_postgres(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def refresh_search_vectors(queryset: QuerySet) -> int:
    """Rebuild the stored vectors of these rows (PostgreSQL only; one UPDATE)."""
    document: SearchDocument | None = getattr(queryset.model, "search_document", None)
    if document is None or not uses_postgres(queryset):
        return 0
    return queryset.update(search_vector=vector_for(queryset.model, document))


# The alias a PostgreSQL text search gives its rank, for ``ordering``.
RELEVANCE = "relevance"


def is_text_search(queryset: QuerySet) -> bool:
    """Whether a full-text match (PostgreSQL) filters these rows."""
    return RELEVANCE in queryset.query.annotations


def _with_a_last_key(queryset: QuerySet) -> QuerySet:
    """The queryset's ordering, the primary key last, so that pages of matches
    neither repeat nor skip those that tie (actors of the same name)."""
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
    if ordering and str(ordering[-1]).lstrip("-") in ("pk", queryset.model._meta.pk.name):
        return queryset
    return queryset.order_by(*ordering, "pk")


_PUNCTUATION_ONLY = re.compile(r"^\W*$")


def search_terms(text: str) -> list[str]:
    """Words and "quoted phrases", as a web search reads them."""
    try:
        terms = shlex.split(text)
    except ValueError:  # an unbalanced quote: take the words as they are
        terms = text.replace('"', " ").split()
    return [term for term in terms if term and not _PUNCTUATION_ONLY.match(term)] or [text]


# Up to this many matching related records are named by their ids, in a
# search of up to this many words: every id is a bound value, and SQLite
# allows 32,766 in a statement (fewer in older builds).
LISTED_IDS = 500
LISTED_TERMS = 3


def matching(model: type[Model], path: str, lookup: str, term: str, listed: bool = True) -> Q:
    """Rows whose ``path`` matches ``term``; a related record's field is
    matched in its own, smaller table, so the database looks the matching ids
    up in the foreign key's index instead of joining every row.

    A few matches are read first and named by their ids: given a subquery,
    SQLite cannot tell one match from thousands, and may read a whole table
    in the list's order to find none. Many are left to a subquery, and all
    are when ``listed`` is false.
    """
    if "__" not in path:
        return Q(**{f"{path}__{lookup}": term})
    relation, rest = path.split("__", 1)
    related = model._meta.get_field(relation).related_model
    assert isinstance(related, type)
    assert issubclass(related, Model)
    condition = matching(related, rest, lookup, term, listed)
    found = related._default_manager.filter(condition).values("pk")
    if not listed:
        return Q(**{f"{relation}__in": found})
    ids = [row["pk"] for row in found.order_by()[: LISTED_IDS + 1]]
    return Q(**{f"{relation}__in": ids if len(ids) <= LISTED_IDS else found})


def every_term_matches(model: type[Model], fields: list[tuple[str, str]], text: str) -> Q:
    """Rows where each word (or quoted phrase) of ``text`` matches one of
    ``fields`` (path and lookup). Matching ids are named only in a search of
    a few words, so that the statement's bound values stay few."""
    terms = search_terms(text)
    listed = len(terms) <= LISTED_TERMS
    condition = Q()
    for term in terms:
        any_field = Q()
        for path, lookup in fields:
            any_field |= matching(model, path, lookup, term, listed)
        condition &= any_field
    return condition


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Filter by ``text``; on PostgreSQL also offer ``relevance`` to order by.

    The matches keep the list's own ordering: ranking reads every match's row
    (a word in a sixth of a million positions is 150,000 rows, about a
    second), where the newest hundred matches of a common word are read from
    the date index in a few milliseconds. ``ordering=-relevance`` ranks.
    """
    text = text.strip()
    if not text:
        return queryset
    document: SearchDocument = queryset.model.search_document
    if uses_postgres(queryset):
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        matches = queryset.filter(search_vector=query).alias(
            **{RELEVANCE: SearchRank(F("search_vector"), query)}
        )
        return _with_a_last_key(matches)
    fields = [(path, "icontains") for path in document.paths()]
    return _with_a_last_key(queryset.filter(every_term_matches(queryset.model, fields, text)))
