"""A host name with several addresses (localhost: 127.0.0.1 and ::1) and port 0: every address
listens on the same port, the one `serve` prints."""

from __future__ import annotations

import asyncio
import socket

import pytest

from tutor import net

from .test_raw_sockets import _ipv6_loopback_available


@pytest.mark.skipif(not _ipv6_loopback_available(), reason="no IPv6 loopback here")
def test_port_0_gives_every_address_of_the_host_one_port(monkeypatch):
    both = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0)),
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", 0, 0, 0)),
    ]

    async def resolve_to_both(self, host, port, **kwargs):
        return [(f, k, p, c, (a[0], port, *a[2:])) for f, k, p, c, a in both]

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", resolve_to_both)

    async def bind_twice():
        first = await net._bind("localhost", 0)
        second = await net._bind("localhost", 0)
        return first, second

    first, second = asyncio.run(bind_twice())
    try:
        for sockets in (first, second):
            ports = {sock.getsockname()[1] for sock in sockets}
            assert len(sockets) == 2 and len(ports) == 1, [s.getsockname() for s in sockets]
            # and each really accepts on that port
            port = ports.pop()
            for host in ("127.0.0.1", "::1"):
                socket.create_connection((host, port), timeout=5).close()
        assert first[0].getsockname()[1] != second[0].getsockname()[1]
    finally:
        for sock in first + second:
            sock.close()
