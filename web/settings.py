"""What a deployment chooses: the knowledge base, the signing key, the limits. One frozen value per app.

Settings come from the command line (``disclosure-bot api``/``web``) or, for uvicorn workers started in
other processes, from ``DISCLOSURE_BOT_*`` environment variables (:func:`Settings.from_env`), so every
worker of one command reads the same values — the signing key included.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

ENV_KEY = "DISCLOSURE_BOT_SECRET"
ENV_KEY_FILE = "DISCLOSURE_BOT_SECRET_FILE"
ENV_DB = "DISCLOSURE_BOT_DB"
ENV_PAGE = "DISCLOSURE_BOT_WEB_PAGE"
ENV_CORS = "DISCLOSURE_BOT_CORS_ORIGINS"
ENV_RATE = "DISCLOSURE_BOT_RATE_LIMIT"
ENV_TTL = "DISCLOSURE_BOT_TOKEN_TTL"
ENV_IDLE = "DISCLOSURE_BOT_IDLE_TIMEOUT"

MIN_KEY_BYTES = 16


@dataclass(frozen=True)
class Settings:
    """Limits are explicit so nothing a client sends can hold a worker or its memory."""

    db_path: Path
    secret: bytes = field(repr=False, default=b"")
    page: bool = False  # serve the kiosk page at / (``web``); ``api`` serves JSON only
    cors_origins: tuple[str, ...] = ()  # off by default: no cross-origin caller
    rate_limit: str = "60/minute"  # per client address and worker, on POST /v1/ask; "" = off
    token_ttl: int = 1800  # seconds a context token stays valid
    max_token: int = 4096  # characters of a context token accepted
    max_body: int = 16 * 1024  # bytes of a request body accepted
    max_question: int = 500  # characters of a question (the engine's own bound)
    idle_timeout: float = 90.0  # seconds of no touch before the kiosk page starts over
    ephemeral_key: bool = False  # the key was made up at start (tokens die with the process)

    def with_secret(self) -> Settings:
        """These settings with a key: the given one, or a random one for this start only."""
        if self.secret:
            return self
        return replace(self, secret=secrets.token_bytes(32), ephemeral_key=True)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Settings of a uvicorn worker process, read from the environment its parent set."""
        env = os.environ if environ is None else environ
        from knowledge.paths import default_db_path

        db = Path(env[ENV_DB]) if env.get(ENV_DB) else default_db_path()
        cors = tuple(o.strip() for o in env.get(ENV_CORS, "").split(",") if o.strip())
        base = cls(db_path=db)
        return cls(
            db_path=db,
            secret=read_secret(env),
            page=env.get(ENV_PAGE, "") == "1",
            cors_origins=cors,
            rate_limit=env.get(ENV_RATE, base.rate_limit),
            token_ttl=int(env.get(ENV_TTL, base.token_ttl)),
            idle_timeout=float(env.get(ENV_IDLE, base.idle_timeout)),
        )

    def to_env(self) -> dict[str, str]:
        """The environment that makes :meth:`from_env` give these settings back (for worker processes)."""
        env = {
            ENV_DB: str(self.db_path),
            ENV_KEY: self.secret.hex(),
            ENV_PAGE: "1" if self.page else "0",
            ENV_CORS: ",".join(self.cors_origins),
            ENV_RATE: self.rate_limit,
            ENV_TTL: str(self.token_ttl),
            ENV_IDLE: str(self.idle_timeout),
        }
        return env


def read_secret(env: dict[str, str] | os._Environ) -> bytes:
    """The signing key from ``$DISCLOSURE_BOT_SECRET`` (hex or text) or the file ``$DISCLOSURE_BOT_SECRET_FILE``.

    Empty means none was given; a key shorter than 16 bytes is refused rather than silently weak.
    """
    raw = env.get(ENV_KEY, "")
    if not raw and env.get(ENV_KEY_FILE):
        raw = Path(env[ENV_KEY_FILE]).read_text(encoding="utf-8").strip()
    if not raw:
        return b""
    try:
        key = bytes.fromhex(raw)
    except ValueError:
        key = raw.encode("utf-8")
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"签名密钥太短：至少 {MIN_KEY_BYTES} 字节 (signing key too short)")
    return key
