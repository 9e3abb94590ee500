"""Synthetic data at any scale, for benchmarks and for trying the API on a full database.

``generate`` builds rows for every table (deterministic for a seed, with the
skews of real response data: a few actors say most things, condemnations
outnumber threats, most threats are never carried out, some dates unknown)
and ``load`` writes them: COPY on PostgreSQL, batched inserts elsewhere.
Nothing here runs ``save()``, so no signal fires: the loader rebuilds the
search vectors in bulk instead, and the change feed is left alone.
"""
