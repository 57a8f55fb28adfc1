from __future__ import annotations

import ipaddress
import logging
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from openkap.audit.context import (
    RequestContext,
    current_request_context,
    reset_request_context,
    set_request_context,
)


def _client_address(request: HttpRequest) -> str | None:
    # Only REMOTE_ADDR: a proxy's X-Forwarded-For is trusted by the proxy's own configuration.
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


class RequestContextMiddleware:
    """Gives every request an id (returned as X-Request-ID) that its audit rows and log lines carry."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(
            request_id=uuid.uuid4().hex, client_address=_client_address(request)
        )
        token = set_request_context(context)
        try:
            response = self.get_response(request)
        finally:
            reset_request_context(token)
        response["X-Request-ID"] = context.request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = current_request_context()
        record.request_id = context.request_id if context else "-"
        return True
