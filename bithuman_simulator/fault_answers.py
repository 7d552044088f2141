"""Answering an API request through the outage and the injected faults."""

import asyncio
import json
from typing import TYPE_CHECKING

from aiohttp import web

from .endpoint import error_response, json_response
from .errors import ApiError
from .overrides import apply_patch

if TYPE_CHECKING:
    from .endpoint import Handler
    from .faults import Fault
    from .json_types import JSONValue
    from .simulator import Simulator

HTML_ERROR_PAGE = (
    "<html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center></body></html>"
)
HTTP_ERROR_CODES: dict[int, str] = {
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "FILE_TOO_LARGE",
}
EMPTY_USER_PREFIX = "/v2//"


def _drop(request: web.Request) -> web.Response:
    """Close the connection without answering."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    return web.Response(status=499)


async def _wait(request: web.Request, seconds: float) -> None:
    """Sleep for real, ending early once the client has hung up."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (remaining := deadline - loop.time()) > 0:
        transport = request.transport
        if transport is None or transport.is_closing():
            return
        await asyncio.sleep(min(remaining, 0.02))


def _swap_types(value: JSONValue) -> JSONValue:
    """Give every value in a JSON document the wrong type."""
    if isinstance(value, dict):
        return {name: _swap_types(item) for name, item in value.items()}
    if isinstance(value, list):
        return {"unexpected": "list"}
    if isinstance(value, str):
        return 12345
    if value is None:
        return ["null"]
    return "not-a-number"


def _json_body(response: web.StreamResponse) -> JSONValue | None:
    """Return a response's JSON body, if it has one."""
    if not isinstance(response, web.Response) or response.content_type != (
        "application/json"
    ):
        return None
    body = response.body
    if not isinstance(body, bytes):
        return None
    try:
        value: JSONValue = json.loads(body)
    except ValueError:
        return None
    return value


async def _malformed(
    request: web.Request, handler: Handler, fault: Fault
) -> web.StreamResponse:
    """Answer a broken body: truncated or retyped real answers, or none at all."""
    if fault.malformed in {"invalid_json", "wrong_types"}:
        real = await call(request, handler)
        status = fault.status or real.status
        body = real.body if isinstance(real, web.Response) else None
        text = body.decode() if isinstance(body, bytes) else "{}"
        if fault.malformed == "invalid_json":
            broken = text[: max(1, len(text) // 2)]
            return web.Response(
                status=status, text=broken, content_type="application/json"
            )
        value: JSONValue = json.loads(text)
        return json_response(_swap_types(value), status)
    status = fault.status or 200
    if fault.malformed == "html":
        return web.Response(
            status=status, text=HTML_ERROR_PAGE, content_type="text/html"
        )
    if fault.malformed == "not_object":
        return json_response(["unexpected", "array"], status)
    return web.Response(status=status, body=b"", content_type="application/json")


def _http_error(exc: web.HTTPException) -> web.Response:
    code = HTTP_ERROR_CODES.get(exc.status, "INTERNAL_ERROR")
    message = "Endpoint not found" if exc.status == 404 else exc.reason
    return error_response(ApiError(exc.status, code, message))


async def call(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Run the route's handler, answering routing errors with the envelope."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        return _http_error(exc)


def _patched(response: web.StreamResponse, fault: Fault) -> web.StreamResponse:
    """Apply a fault's body patch and headers to an answer."""
    if fault.patch:
        value = _json_body(response)
        if value is not None:
            headers = {
                name: text
                for name, text in response.headers.items()
                if name.lower() not in {"content-type", "content-length"}
            }
            response = json_response(
                apply_patch(value, fault.patch), response.status, headers
            )
    response.headers.update(fault.headers)
    return response


async def _faulted(
    request: web.Request, handler: Handler, fault: Fault
) -> web.StreamResponse:
    if fault.delay > 0:
        await _wait(request, fault.delay)
    if fault.drop:
        return _drop(request)
    if fault.malformed is not None:
        return _patched(await _malformed(request, handler, fault), fault)
    if fault.status is not None:
        headers = (
            {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
        )
        response: web.StreamResponse = error_response(
            ApiError(fault.status, fault.code, fault.message), headers
        )
    else:
        response = await call(request, handler)
    return _patched(response, fault)


async def answer(
    request: web.Request, handler: Handler, sim: Simulator
) -> web.StreamResponse:
    """Answer an API request through the outage and the faults, if any.

    A path with an empty user id (`/v2//runtime-sessions`, what an unset
    `$USER_ID` gives) never reaches a route: bitHuman's router answers
    `404 {"detail": "Not Found"}` (runtime-sessions.md).
    """
    if sim.outage == "drop":
        return _drop(request)
    if sim.outage == "503":
        return error_response(
            ApiError(503, "NO_AVAILABLE_WORKERS", "All workers are busy, retry later")
        )
    if request.path.startswith(EMPTY_USER_PREFIX):
        return json_response({"detail": "Not Found"}, 404)
    fault = sim.fault_set.take(request.method, request.path)
    if fault is not None:
        return await _faulted(request, handler, fault)
    return await call(request, handler)
