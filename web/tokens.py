"""The context token: the conversation carried by the client, signed so no worker keeps session state.

``Conversation.to_dict()`` is serialised to JSON, compressed when that helps and signed with an HMAC
(``itsdangerous.URLSafeTimedSerializer``) that also stamps the time, so a token is tamper-evident and
expires. Nothing is decompressed or parsed before the signature checks out, and a token longer than
``max_token`` characters is refused before it is even looked at. Every failure is a :class:`TokenError`
with a stable code, which the API turns into a JSON error — never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from bot import Conversation

SALT = "disclosure-bot.context.v1"
KEEP_TURNS = 3  # history is for people reading the token's owner's screen, not for answering
KEEP_TEXT = 200


class TokenError(ValueError):
    """A context token that cannot be used; ``code`` says why (token_invalid / token_expired / token_too_large)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class TokenCodec:
    """Signs and checks context tokens with one key; all workers of a deployment must share it."""

    secret: bytes
    ttl: int
    max_chars: int

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt=SALT)

    def dump(self, conv: Conversation) -> str:
        """A token for ``conv``, its history trimmed so the token stays under ``max_chars``."""
        data = conv.to_dict()
        data["history"] = [[q[:KEEP_TEXT], a[:KEEP_TEXT]] for q, a in data["history"][-KEEP_TURNS:]]
        token = self._serializer().dumps(data)
        if len(token) > self.max_chars:
            data["history"] = []
            token = self._serializer().dumps(data)
        if len(token) > self.max_chars:  # the state itself is too big: start over rather than fail
            token = self._serializer().dumps(Conversation().to_dict())
        return token

    def load(self, token: str) -> Conversation:
        """The conversation a token carries, or a :class:`TokenError`."""
        if not isinstance(token, str) or not token:
            raise TokenError("token_invalid", "对话凭证无效，请重新提问。")
        if len(token) > self.max_chars:
            raise TokenError("token_too_large", "对话凭证过长，请重新提问。")
        try:
            data = self._serializer().loads(token, max_age=self.ttl)
        except SignatureExpired as e:
            raise TokenError("token_expired", "对话已过期，请重新提问。") from e
        except BadSignature as e:
            raise TokenError("token_invalid", "对话凭证无效或已被改动，请重新提问。") from e
        try:
            return Conversation.from_dict(data)
        except ValueError as e:
            raise TokenError("token_invalid", "对话凭证内容有误，请重新提问。") from e
