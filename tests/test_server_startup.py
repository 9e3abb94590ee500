"""What the production entry points do once per server process, before serving."""

from __future__ import annotations

import pytest

from tests.test_security import PRODUCTION, run_python


@pytest.mark.parametrize("entry_point", ["tracker.wsgi", "tracker.asgi"])
def test_the_entry_points_load_the_urls_freeze_startup_objects_and_collect_less_often(
    entry_point: str,
) -> None:
    code = (
        f"import gc, sys, {entry_point}; "
        "print('tracker.urls' in sys.modules, 'responses.api.views' in sys.modules, "
        "gc.get_freeze_count() > 10000, gc.get_threshold())"
    )
    result = run_python(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split(maxsplit=3) == ["True", "True", "True", "(50000, 20, 20)"]
