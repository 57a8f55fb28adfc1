"""Who is asking, from where, under which request id: set by the middleware, read by audit_record."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    client_address: str | None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "openkap_request_context", default=None
)


def current_request_context() -> RequestContext | None:
    return _current.get()


def set_request_context(context: RequestContext | None) -> contextvars.Token[RequestContext | None]:
    return _current.set(context)


def reset_request_context(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)
