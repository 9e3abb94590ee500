"""Load and fault test: the production server on a throwaway PostgreSQL cluster.

Run it with ``make loadtest`` (or ``python -m loadtest --help``). It only ever
talks to 127.0.0.1, stops by itself, and removes the cluster it made.
"""
