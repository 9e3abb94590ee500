"""Actors, their memberships, and the sources records cite."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from actors.choices import ActorKind
from actors.models import Actor, Membership
from responses.models import (
    Source,
)
from synthetic import vocab
from synthetic.tables import (
    DAYS,
    Table,
    TableMaker,
    partial_date,
    zipf_cum_weights,
)
from tracker.choices import DatePrecision


class ActorTables(TableMaker):
    """Actors, memberships and sources."""

    # Actors
    def actors(self) -> Table:
        rng = self.rng("actors")
        n = self.scale.actors
        world = self.world
        n_states = min(len(vocab.COUNTRIES), max(10, n // 20))
        n_organizations = max(5, n // 50)
        # The loud ones first: states and organizations take the top Zipf ranks.
        kinds: list[str] = [ActorKind.STATE] * n_states
        organization_kinds = (
            ActorKind.INTERNATIONAL_ORGANIZATION,
            ActorKind.SUPRANATIONAL_UNION,
            ActorKind.MILITARY_ALLIANCE,
            ActorKind.INFORMAL_GROUP,
        )
        kinds += rng.choices(organization_kinds, weights=(5, 2, 2, 1), k=n_organizations)
        rest = n - len(kinds)
        kinds += rng.choices(
            (
                ActorKind.PERSON,
                ActorKind.GOVERNMENT_BODY,
                ActorKind.NGO,
                ActorKind.NON_STATE_ARMED_GROUP,
                ActorKind.OTHER,
            ),
            weights=(50, 30, 10, 5, 5),
            k=rest,
        )
        kinds = kinds[:n]
        world.actor_kinds = kinds
        countries = rng.sample(vocab.COUNTRIES, n_states)

        def rows() -> Iterator[tuple[Any, ...]]:
            for index, kind in enumerate(kinds):
                pk = index + 1
                base = self._name(rng)
                parent: int | None = None
                country = ""
                aliases: list[str] = []
                short_name = ""
                if kind == ActorKind.STATE:
                    country = countries[index]
                    name = rng.choice(vocab.STATE_FORMS).format(base)
                    short_name = base if name != base else ""
                    aliases = [base.upper()[:3]] if rng.random() < 0.3 else []
                    world.states.append(pk)
                elif kind == ActorKind.PERSON:
                    state = rng.choice(world.states)
                    parent = state if rng.random() < 0.6 else None
                    country = world.actor_countries[state - 1]
                    name = f"{rng.choice(vocab.FIRST_NAMES)} {base}"
                    world.persons.append(pk)
                elif kind == ActorKind.GOVERNMENT_BODY:
                    state = rng.choice(world.states)
                    parent, country = state, world.actor_countries[state - 1]
                    name = rng.choice(vocab.BODY_FORMS).format(world.actor_names[state - 1])
                elif kind in organization_kinds:
                    name = rng.choice(vocab.ORGANIZATION_FORMS).format(base)
                    short_name = "".join(word[0] for word in name.split() if word[0].isupper())
                    aliases = [short_name, name.upper()] if rng.random() < 0.5 else [short_name]
                    world.organizations.append(pk)
                else:
                    name = f"{base} {kind.replace('_', ' ').title()}"
                world.actor_names.append(name)
                world.actor_countries.append(country)
                slug = f"{name.lower().replace(' ', '-')}-{pk}"[:100]
                wikidata = f"Q{1_000_000 + pk}" if kind == ActorKind.STATE else ""
                description = f"{name}, a {kind.replace('_', ' ')} in the synthetic data set."
                stamp = self.entered(pk)
                yield (
                    pk,
                    stamp,
                    stamp,
                    slug,
                    name,
                    short_name[:50],
                    kind,
                    country,
                    parent,
                    json.dumps(aliases, ensure_ascii=False),
                    wikidata,
                    description,
                )

        fields = (
            "id",
            "created_at",
            "updated_at",
            "slug",
            "name",
            "short_name",
            "kind",
            "country",
            "parent",
            "aliases",
            "wikidata_id",
            "description",
        )
        return Table(Actor, fields, rows())

    def memberships(self) -> Table:
        rng = self.rng("memberships")
        world = self.world

        def rows() -> Iterator[tuple[Any, ...]]:
            pk = 0
            for organization in world.organizations:
                size = min(len(world.states), rng.randint(3, 40))
                for member in sorted(rng.sample(world.states, size)):
                    pk += 1
                    started = partial_date(rng.randrange(-20 * 365, DAYS), DatePrecision.DAY)
                    stamp = self.entered(pk)
                    yield (pk, stamp, stamp, member, organization, started, None)

        fields = (
            "id",
            "created_at",
            "updated_at",
            "member",
            "organization",
            "started_on",
            "ended_on",
        )
        return Table(Membership, fields, rows())

    # Sources

    def sources(self) -> Table:
        rng = self.rng("sources")
        n = self.scale.sources
        kinds = rng.choices(
            list(vocab.SOURCE_KIND_WEIGHTS), weights=list(vocab.SOURCE_KIND_WEIGHTS.values()), k=n
        )
        outlet_weights = zipf_cum_weights(len(vocab.OUTLETS), 0.8)

        def rows() -> Iterator[tuple[Any, ...]]:
            for index, kind in enumerate(kinds):
                pk = index + 1
                outlet = rng.choices(vocab.OUTLETS, cum_weights=outlet_weights)[0]
                day = rng.randrange(DAYS)
                published = None if rng.random() < 0.05 else partial_date(day, DatePrecision.DAY)
                domain = outlet.lower().replace(" ", "")
                url = "" if rng.random() < 0.1 else f"https://{domain}.example/{day}/{pk}"
                language = rng.choices(vocab.LANGUAGES, weights=vocab.LANGUAGE_WEIGHTS)[0]
                stamp = self.entered(pk)
                yield (
                    pk,
                    stamp,
                    stamp,
                    kind,
                    f"{outlet}: report {pk} on the conflict",
                    outlet,
                    url,
                    published,
                    language,
                    "",
                )

        fields = (
            "id",
            "created_at",
            "updated_at",
            "kind",
            "title",
            "publisher",
            "url",
            "published_on",
            "language",
            "excerpt",
        )
        return Table(Source, fields, rows())
