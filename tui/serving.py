"""``serve``: the kiosk in a browser, on textual-serve, with the limits a public server needs.

* **Terminal size** — a browser asks for its size in the websocket URL and in resize messages;
  it is clamped to :data:`MAX_COLUMNS` × :data:`MAX_ROWS` (and at least 20 × 10), so no client can
  make a kiosk process render a 3000 × 3000 screen.
* **Processes** — each session's kiosk runs as ``exec python -m cli kiosk …`` (no shell left in
  between); when the session ends it is asked to quit, then terminated, then killed, and always
  waited for, so no process is left behind — also when the server itself stops.
* **No external request** — the page is textual-serve's own, without its Google Fonts link: the
  terminal font is the copy textual-serve ships, and box-drawing characters (the large digits)
  come from a small DejaVu Sans Mono subset in ``tui/static`` (licence beside it).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "KioskServer", "clamp_size"]

MAX_COLUMNS = 300
MAX_ROWS = 120
MIN_COLUMNS, MIN_ROWS = 20, 10
QUIT_GRACE = 3.0  # seconds a kiosk gets to quit before it is terminated, then killed

HERE = Path(__file__).resolve().parent
log = logging.getLogger("tui.serve")


def clamp_size(width: Any, height: Any) -> tuple[int, int]:
    """A terminal size a client asked for, within bounds (80 × 24 when it is no number)."""

    def num(v: Any, default: int) -> int:
        try:
            return int(v)
        except (TypeError, ValueError):
            return default

    w = min(max(num(width, 80), MIN_COLUMNS), MAX_COLUMNS)
    h = min(max(num(height, 24), MIN_ROWS), MAX_ROWS)
    return w, h


class KioskAppService(AppService):
    """One session's kiosk process: size clamped, and reaped whatever happens."""

    async def start(self, width: int, height: int) -> None:
        await super().start(*clamp_size(width, height))

    async def set_terminal_size(self, width: int, height: int) -> None:
        await super().set_terminal_size(*clamp_size(width, height))

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(super().stop(), QUIT_GRACE)
        except (asyncio.TimeoutError, Exception):
            pass
        await reap(self._process)


async def reap(process: asyncio.subprocess.Process | None) -> None:
    """Terminate, then kill, and wait for ``process`` (no zombie, no orphan)."""
    if process is None or process.returncode is not None:
        return
    for signal_it in (process.terminate, process.kill):
        try:
            signal_it()
        except ProcessLookupError:
            return
        try:
            await asyncio.wait_for(process.wait(), QUIT_GRACE)
            return
        except asyncio.TimeoutError:
            continue


class KioskServer(Server):
    """textual-serve's Server with the kiosk's page, size bounds and process reaping."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("templates_path", HERE / "templates")
        super().__init__(*args, **kwargs)
        self.sessions: set[KioskAppService] = set()

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.router.add_static("/kiosk-static", HERE / "static", name="kiosk-static")
        return app

    async def on_shutdown(self, app: web.Application) -> None:
        await asyncio.gather(*(self._end(s) for s in list(self.sessions)), return_exceptions=True)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """As textual-serve's, with :class:`KioskAppService` (clamped size, reaped process)."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width, height = clamp_size(request.query.get("width"), request.query.get("height"))
        service: KioskAppService | None = None
        try:
            await websocket.prepare(request)
            service = KioskAppService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            self.sessions.add(service)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.exception(error)
        finally:
            if service is not None:
                # aiohttp cancels this handler when the browser goes away: the cleanup runs in a
                # task of its own, shielded, so the kiosk process is always stopped and waited for.
                cleanup = asyncio.ensure_future(self._end(service))
                try:
                    await asyncio.shield(cleanup)
                except asyncio.CancelledError:
                    pass
        return websocket

    async def _end(self, service: KioskAppService) -> None:
        try:
            await service.stop()
        finally:
            self.sessions.discard(service)
