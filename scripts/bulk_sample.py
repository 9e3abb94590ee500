"""Write a JSON Lines sample for import_records: sources, actors, events and positions.

    python scripts/bulk_sample.py --positions 100000 > sample.jsonl

The records are made up but valid (stances with matching CAMEO codes, dated
positions with their precision), and deterministic for a given --seed.
--prefix goes into every slug and URL, so each run can load a fresh set into
the same database. Used by ``make bench-import``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import sys

# Stances and a CAMEO code each agrees with.
STANCES = [
    ("condemn", "111"),
    ("criticize", "110"),
    ("accuse", "112"),
    ("urge_ceasefire", "0256"),
    ("call_for_talks", "026"),
    ("call_for_restraint", "0256"),
    ("appeal_for_support", "023"),
    ("express_support", "051"),
    ("justify", "052"),
    ("demand_accountability", "101"),
]
WORDS = [
    "strike",
    "ceasefire",
    "sovereignty",
    "civilians",
    "sanctions",
    "talks",
    "escalation",
    "restraint",
    "infrastructure",
    "accountability",
    "humanitarian",
    "aid",
    "negotiations",
    "security",
    "border",
]


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positions", type=int, default=100_000)
    parser.add_argument("--actors", type=int, default=200)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--prefix", default="sample")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    prefix = options.prefix
    out = sys.stdout

    def emit(record: dict[str, object]) -> None:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")

    for number in range(options.sources):
        emit(
            {
                "type": "source",
                "kind": "news_article",
                "title": f"Report {number}: {sentence(rng, 6)}",
                "publisher": "Sample Wire",
                "link": f"https://example.org/{prefix}/reports/{number}",
                "language": "en",
            }
        )
    for number in range(options.actors):
        emit(
            {
                "type": "actor",
                "slug": f"{prefix}-actor-{number}",
                "name": f"Actor {number} of {prefix}",
                "kind": "state",
            }
        )
    start = datetime.date(2022, 2, 24)
    for number in range(options.events):
        emit(
            {
                "type": "event",
                "slug": f"{prefix}-event-{number}",
                "title": f"Strike {number}: {sentence(rng, 4)}",
                "kind": "drone_strike",
                "occurred_on": (start + datetime.timedelta(days=number)).isoformat(),
                "occurred_on_precision": "day",
                "initiator": f"{prefix}-actor-{number % options.actors}",
                "sources": [f"https://example.org/{prefix}/reports/{number % options.sources}"],
            }
        )
    for number in range(options.positions):
        # Distinct natural keys: the date walks forward with the row number.
        actor = number % options.actors
        target = (actor + 1 + number % 7) % options.actors
        stance, cameo = STANCES[number % len(STANCES)]
        event = number % options.events
        emit(
            {
                "type": "position",
                "actor": f"{prefix}-actor-{actor}",
                "event": f"{prefix}-event-{event}",
                "target": f"{prefix}-actor-{target}",
                "stance": stance,
                "cameo_code": cameo,
                "stated_on": (start + datetime.timedelta(days=number // 50)).isoformat(),
                "stated_on_precision": "day",
                "summary": sentence(rng, 14),
                "quote": sentence(rng, 10),
                "language": "en",
                "sources": [
                    f"https://example.org/{prefix}/reports/{rng.randrange(options.sources)}"
                ],
            }
        )


if __name__ == "__main__":
    main()
