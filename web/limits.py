"""Request limits: body size (an ASGI middleware) and questions per client (the ``limits`` library).

The body limit checks ``Content-Length`` first and then counts the bytes actually received, so a
client that lies about the length or streams a chunked body is cut off at ``max_bytes`` all the same.
The rate limit is a moving window kept in the worker's memory: behind a load balancer each worker
counts for itself, so a deployment that needs one global limit sets it at the balancer.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

TOO_LARGE = json.dumps(
    {"error": {"code": "body_too_large", "message": "请求内容太大了。"}}, ensure_ascii=False
).encode("utf-8")


class BodyLimit:
    """Refuses a request body over ``max_bytes`` with a JSON 413, before the app reads it whole."""

    def __init__(self, app: Any, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await _send_413(send)
            return
        received = 0
        started = False  # the app began its response
        refused = False  # we answered 413 ourselves; the app's own response is dropped

        async def counted_receive() -> dict:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # the app may catch any exception while it reads the body (FastAPI turns it into
                    # a 400), so answer here and tell the app the client has gone
                    refused = True
                    if not started:
                        await _send_413(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: dict) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not refused:
                raise


async def _send_413(send: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(TOO_LARGE)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": TOO_LARGE})


class RateLimit:
    """``allow(key)`` is False once ``key`` made more requests than ``spec`` ("60/minute"); "" turns it off."""

    def __init__(self, spec: str):
        self.item = parse(spec) if spec else None
        self.limiter = MovingWindowRateLimiter(MemoryStorage()) if self.item else None
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        if self.item is None or self.limiter is None:
            return True
        with self._lock:
            return self.limiter.hit(self.item, "ask", key)
