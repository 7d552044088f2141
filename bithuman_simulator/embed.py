"""Embed tokens: one-hour HS256 JWTs bound to an agent and a visitor.

`POST /v1/embed-tokens/request` mints one (embedding.md); the embed page
(`GET /embed/{code}?token=...`) checks it: signed by the simulator, for that
agent, not expired on the simulator's clock.
"""

import base64
import binascii
from dataclasses import dataclass
import hashlib
import hmac
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .json_types import JSONObject, JSONValue

EMBED_TOKEN_TTL = 3600
_SIGNING_KEY = b"bithuman-simulator-embed"


class EmbedTokenError(Exception):
    """A token the embed page refuses; `status` is 401 or 403."""

    def __init__(self, status: int, reason: str) -> None:
        """Describe why the token is refused."""
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class EmbedClaims:
    """What a valid embed token says."""

    user_id: str
    agent_code: str
    fingerprint: str
    sid: str
    issued_at: int
    expires_at: int
    model: str | None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(signing_input: str) -> str:
    digest = hmac.new(_SIGNING_KEY, signing_input.encode(), hashlib.sha256).digest()
    return _b64(digest)


def mint_token(
    user_id: str, code: str, fingerprint: str, now: float, model: str | None
) -> tuple[str, str]:
    """Return a token for `code` and `fingerprint` issued at `now`, and its sid."""
    issued = int(now)
    sid = hashlib.sha256(f"{code}:{fingerprint}:{issued}".encode()).hexdigest()[:16]
    claims: JSONObject = {
        "iss": "bitHuman",
        "sub": user_id,
        "agent_code": code,
        "fingerprint": fingerprint,
        "sid": sid,
        "iat": issued,
        "exp": issued + EMBED_TOKEN_TTL,
    }
    if model is not None:
        claims["model"] = model
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{header}.{payload}.{_sign(f'{header}.{payload}')}", sid


def _claim_str(claims: dict[str, JSONValue], name: str) -> str:
    value = claims.get(name)
    if not isinstance(value, str):
        raise EmbedTokenError(401, "The embed token is invalid.")
    return value


def _claim_int(claims: dict[str, JSONValue], name: str) -> int:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise EmbedTokenError(401, "The embed token is invalid.")
    return value


def verify_token(token: str | None, code: str, now: float) -> EmbedClaims:
    """Return a token's claims, or raise why the embed page refuses it."""
    if not token:
        raise EmbedTokenError(401, "This embed needs a token: mint one first.")
    parts = token.split(".")
    if len(parts) != 3 or not hmac.compare_digest(
        _sign(f"{parts[0]}.{parts[1]}"), parts[2]
    ):
        raise EmbedTokenError(401, "The embed token is invalid.")
    try:
        claims = json.loads(_unb64(parts[1]))
    except ValueError, binascii.Error:
        raise EmbedTokenError(401, "The embed token is invalid.") from None
    if not isinstance(claims, dict):
        raise EmbedTokenError(401, "The embed token is invalid.")
    expires = _claim_int(claims, "exp")
    if now >= expires:
        raise EmbedTokenError(401, "The embed token has expired: mint a new one.")
    agent_code = _claim_str(claims, "agent_code")
    if agent_code != code:
        raise EmbedTokenError(403, "This embed token is for another agent.")
    model = claims.get("model")
    return EmbedClaims(
        user_id=_claim_str(claims, "sub"),
        agent_code=agent_code,
        fingerprint=_claim_str(claims, "fingerprint"),
        sid=_claim_str(claims, "sid"),
        issued_at=_claim_int(claims, "iat"),
        expires_at=expires,
        model=model if isinstance(model, str) else None,
    )
