"""The bitHuman error envelope and the errors the simulated API raises."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .json_types import JSONObject


class ApiError(Exception):
    """An error answered with the documented envelope and matching HTTP status."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Describe the error: HTTP status, `error.code` and `error.message`."""
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers: dict[str, str] = dict(headers or {})

    def envelope(self) -> JSONObject:
        """Return the error body exactly as bitHuman shapes it."""
        return envelope(self.status, self.code, self.message)


def envelope(status: int, code: str, message: str) -> JSONObject:
    """Build `{"error": {code, message, httpStatus}, "status": "error", ...}`."""
    return {
        "error": {"code": code, "message": message, "httpStatus": status},
        "status": "error",
        "status_code": status,
    }


def validation_error(message: str) -> ApiError:
    """Return a 400 VALIDATION_ERROR."""
    return ApiError(400, "VALIDATION_ERROR", message)


def missing_param(name: str) -> ApiError:
    """Return a 400 MISSING_PARAM naming the absent field."""
    return ApiError(400, "MISSING_PARAM", f"Missing required field: {name}")


def agent_not_found(code: str) -> ApiError:
    """Return the 404 for an unknown or not-owned agent."""
    return ApiError(404, "NOT_FOUND", f"Agent not found for code: {code}")


def no_active_rooms(code: str) -> ApiError:
    """Return the 404 for an agent without a live session."""
    return ApiError(404, "NOT_FOUND", f"No active rooms found for agent {code}")


def insufficient_balance() -> ApiError:
    """Return the 402 for a charge the balance cannot cover."""
    return ApiError(402, "INSUFFICIENT_BALANCE", "Insufficient credits")
