"""What the production entry points do once per server process, before serving."""

from __future__ import annotations

import pytest

from tests.test_security import PRODUCTION, run_python


@pytest.mark.parametrize("entry_point", ["tracker.wsgi", "tracker.asgi"])
def test_the_entry_points_load_the_urls_and_leave_startup_objects_to_no_collection(
    entry_point: str,
) -> None:
    code = (
        f"import gc, sys, {entry_point}; "
        "print('tracker.urls' in sys.modules, 'responses.api.views' in sys.modules, "
        "gc.get_freeze_count() > 10000)"
    )
    result = run_python(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]
