"""Bulk loading of records from JSON Lines and CSV files (``manage.py import_records``).

The pieces, in the order a row meets them:

- ``readers``: JSON Lines and CSV rows, with their line numbers;
- ``fields`` and ``records``: a row's values checked for type and its relations
  resolved by natural key against ``index``, the database's keys held in memory;
- ``writer``: a batch validated with the models' rules (``checks`` evaluates
  the database constraints in memory) and written in bulk, with the search
  vectors and change-feed entries that single saves get from signals;
- ``loader``: files, transactions and batches; ``report``: what happened.

No step queries the database once per row: the speed of a load depends on the
number of batches, not of rows.
"""
