from __future__ import annotations

from typing import Any


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How much the fuzzing did: operations tested and requests checked."""
    counts = [
        value
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if report.when == "call"
        for key, value in report.user_properties
        if key == "requests"
    ]
    if counts:
        terminalreporter.write_line(
            f"schemathesis: {len(counts)} operations, {sum(counts)} requests checked"
        )
