"""What every resource shares: a client and typed requests."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, TypeAdapter

if TYPE_CHECKING:
    from .._client import Client

M = TypeVar("M", bound=BaseModel)


def segment(value: str, what: str = "id") -> str:
    """An id as one URL path segment: checked (`validate_object_id`, `invalid_id`),
    then percent-encoded whole, `/`, `?` and `#` included.  Every resource that puts
    an id in a path builds it with this."""
    from urllib.parse import quote

    from ..identifiers import validate_object_id

    return quote(validate_object_id(value, what), safe="")


class Resource:
    """A namespace of calls on one client."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def _call(
        self,
        model: type[M],
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> M:
        response = self._client._core.request(
            method, path, json=json, params=params, idempotency_key=idempotency_key
        )
        return model.model_validate_json(response.content)

    def _call_list(
        self,
        model: type[M],
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> list[M]:
        response = self._client._core.request(
            method, path, json=json, params=params, idempotency_key=idempotency_key
        )
        return TypeAdapter(list[model]).validate_json(response.content)  # type: ignore[valid-type]


T = TypeVar("T")


def poll(
    fetch: Callable[[], T], done: Callable[[T], bool], *, timeout: float, interval: float
) -> T:
    """Fetch until `done` holds or `timeout` seconds pass; return the last thing fetched."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        remaining = deadline - time.monotonic()
        if done(value) or remaining <= 0:
            return value
        time.sleep(min(interval, remaining))
