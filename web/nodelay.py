"""uvicorn's h11 protocol with TCP_NODELAY on every connection (``http="web.nodelay:NoDelayH11Protocol"``).

With ``--workers`` > 1 uvicorn binds the listening socket itself (``socket.socket(family)``, protocol
number 0), and asyncio then leaves Nagle's algorithm on for the accepted connections: each keep-alive
response waited for a delayed ACK (measured with benchmarks/load.py: p50 52 ms instead of 9 ms at one
client). One worker is unaffected; setting the option again there is harmless.
"""

from __future__ import annotations

import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
