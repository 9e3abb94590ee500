"""Every filter and ordering of the big lists can be served by an index (PostgreSQL).

The benchmark runs the same check on a million positions with the planner's
own choices; here, on a few generated records, sequential scans are made
expensive so that the planner shows whether an index exists at all.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from responses.api.query_plans import big_list_viewsets
from tracker.query_plans import _numbered, check, seq_scans

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans of PostgreSQL"),
]


def test_no_filter_or_ordering_reads_a_whole_big_table() -> None:
    call_command(
        "generate_data",
        *("--actors", "40", "--sources", "30", "--events", "60", "--positions", "200"),
        *("--measures", "60"),
        verbosity=0,
    )
    plans = check(big_list_viewsets(), forbid_seqscan=True)
    assert len(plans) > 100
    # Bound on the server, statements are prepared: their generic plans count too.
    bound = bool(connection.settings_dict["OPTIONS"].get("server_side_binding"))
    generic = [plan for plan in plans if plan.query.endswith(", generic")]
    assert len(generic) == (len(plans) // 2 if bound else 0)
    if bound:
        assert all("$1" not in plan.text for plan in plans if not plan.query.endswith("generic"))
        assert any("$1" in plan.text for plan in generic)
    unindexed = {
        f"{plan.resource} {plan.parameters} {plan.query}": plan.text
        for plan in plans
        if plan.seq_scans
    }
    assert unindexed == {}


def test_placeholders_are_numbered_for_prepare() -> None:
    sql = "SELECT 1 WHERE a = %s AND b LIKE '50%%' AND c IN (%s, %s)"
    assert _numbered(sql) == "SELECT 1 WHERE a = $1 AND b LIKE '50%' AND c IN ($2, $3)"


def test_a_scan_under_a_sort_counts_and_one_under_the_count_limit_does_not() -> None:
    scan = "->  Seq Scan on responses_position  (cost=0.00..1.00 rows=1 width=8)"
    assert seq_scans(f"Limit\n  ->  Sort\n        {scan}") == ("responses_position",)
    assert seq_scans(f"Aggregate\n  ->  Limit\n        {scan}") == ()
    assert seq_scans("Aggregate\n  ->  Seq Scan on actors_actor") == ()
