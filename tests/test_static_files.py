"""What the app serves besides its pages: static files and the files browsers ask for.

The production side (hashed names, compression, caching) is proven against
the real server by the browser suite, tests/e2e/test_production_server.py.
"""

from __future__ import annotations

from django.test import Client


def test_the_favicon_browsers_ask_for_is_served(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.getvalue().startswith(b"\x00\x00\x01\x00")  # an ICO file


def test_static_files_are_served_by_the_app(client: Client) -> None:
    response = client.get("/static/admin/css/base.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
