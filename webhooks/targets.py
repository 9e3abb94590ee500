"""Where deliveries may go: never, unless an operator allows it, to this server's own network.

A curator who could point a subscription at 127.0.0.1, 169.254.169.254 or a
10.x address would make the server call internal services for them. The
host is resolved when a subscription is saved and again before each send
(its address may have changed since), and every address it resolves to
must be public.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class TargetRefused(ValueError):
    """The URL may not receive deliveries; the message says why."""


def addresses_of(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise TargetRefused(f"The host {host} cannot be resolved ({error}).") from None
    # An IPv6 address may carry its zone ("fe80::1%eth0"), which ip_address refuses.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]


def check_target(url: str) -> None:
    """Raise TargetRefused unless ``url`` is http(s) on a host with public addresses only."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("Only http and https URLs can receive deliveries.")
    if not parts.hostname:
        raise TargetRefused("The URL names no host.")
    if parts.username or parts.password:
        raise TargetRefused("The URL may not carry a user name or password.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("The URL's port is not a number from 0 to 65535.") from None
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return
    for address in addresses_of(parts.hostname, port):
        if not address.is_global or address.is_multicast:
            raise TargetRefused(
                f"{parts.hostname} resolves to {address}, a loopback, private, link-local "
                "or reserved address: deliveries go only to public addresses."
            )
