"""A small keep-alive HTTP client that never raises on a network error."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass, field
from typing import Any

HOST = "127.0.0.1"  # loopback only, always
NETWORK_ERROR = 0  # the status recorded when no answer came back
STALE_CONNECTION = (
    http.client.RemoteDisconnected,
    BrokenPipeError,
    ConnectionResetError,
)


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    seconds: float = 0.0

    def json(self) -> Any:
        return json.loads(self.body)


class Connection:
    def __init__(self, port: int, token: str | None = None, timeout: float = 30) -> None:
        self.port = port
        self.timeout = timeout
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Token {token}"
        self._connection: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Answer:
        payload = json.dumps(body).encode() if body is not None else None
        all_headers = {**self.headers, **(headers or {})}
        if payload is not None:
            all_headers["Content-Type"] = "application/json"
        started = time.monotonic()
        reused = self._connection is not None
        try:
            answer = self._send(method, path, payload, all_headers)
        except STALE_CONNECTION:
            # The server closed an idle keep-alive connection before reading this
            # request: nothing was processed, so send it once more on a new one.
            self.close()
            if not reused:
                return Answer(NETWORK_ERROR, {}, b"", time.monotonic() - started)
            try:
                answer = self._send(method, path, payload, all_headers)
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                return Answer(NETWORK_ERROR, {"error": repr(exc)}, b"", time.monotonic() - started)
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            return Answer(NETWORK_ERROR, {"error": repr(exc)}, b"", time.monotonic() - started)
        answer.seconds = time.monotonic() - started
        return answer

    def _send(
        self, method: str, path: str, payload: bytes | None, headers: dict[str, str]
    ) -> Answer:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        self._connection.request(method, path, body=payload, headers=headers)
        response = self._connection.getresponse()
        data = response.read()
        answer = Answer(
            response.status, {key.lower(): value for key, value in response.getheaders()}, data
        )
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return answer

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
