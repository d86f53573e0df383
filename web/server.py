"""Running the app on uvicorn: one process or N workers, all reading the same settings from the environment.

uvicorn starts each worker in a fresh process that imports :func:`app_from_env`, so the parent puts the
settings — the signing key included — into ``os.environ`` before it starts them. A key made up at start
is therefore shared by the workers of one command, but not by another command or machine: a deployment
of several machines sets ``DISCLOSURE_BOT_SECRET`` (or ``_SECRET_FILE``) to one key everywhere.
"""

from __future__ import annotations

import os
import sys

from .settings import Settings

MAX_CONNECTIONS = 256  # per worker; beyond it uvicorn answers 503 instead of queueing without bound


def app_from_env():
    """The uvicorn factory of a worker process."""
    from .app import create_app

    return create_app(Settings.from_env())


def run(settings: Settings, host: str, port: int, workers: int = 1, log_level: str = "info") -> None:
    """Serve until interrupted; the knowledge base is opened read-only in every worker."""
    import uvicorn

    settings = settings.with_secret()
    os.environ.update(settings.to_env())
    if settings.ephemeral_key:
        print(
            "未设置 DISCLOSURE_BOT_SECRET：本次启动用随机密钥，重启后旧的对话凭证失效 "
            "(no key set: a random one for this start; tokens do not survive a restart)",
            file=sys.stderr,
        )
    where = f"http://{host}:{port}/"
    print(f"{'网页与 API' if settings.page else 'API'}：{where}  文档 docs：{where}docs", file=sys.stderr)
    uvicorn.run(
        "web.server:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=max(1, workers),
        log_level=log_level,
        limit_concurrency=MAX_CONNECTIONS,
        timeout_keep_alive=5,
        server_header=False,
        http="web.nodelay:NoDelayH11Protocol",
    )


def serve_command(
    db_path,
    host: str,
    port: int,
    workers: int,
    page: bool,
    cors_origins: str | None,
    idle_timeout: float | None,
) -> None:
    """What ``disclosure-bot api`` / ``web`` do: settings from the options and the environment, then :func:`run`."""
    from pathlib import Path

    from .settings import read_secret

    base = Settings(db_path=Path(db_path))
    settings = Settings(
        db_path=Path(db_path),
        secret=read_secret(os.environ),
        page=page,
        cors_origins=tuple(o.strip() for o in (cors_origins or "").split(",") if o.strip()),
        rate_limit=os.environ.get("DISCLOSURE_BOT_RATE_LIMIT", base.rate_limit),
        token_ttl=int(os.environ.get("DISCLOSURE_BOT_TOKEN_TTL", base.token_ttl)),
        idle_timeout=idle_timeout if idle_timeout is not None else base.idle_timeout,
    )
    run(settings, host, port, workers)
