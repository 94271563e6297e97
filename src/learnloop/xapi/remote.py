"""An external LRS as learnloop talks to it: POST statements, ask whether one is stored, and
read pages of statements (`since` + `more`). Failures become ProviderError."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import httpx

from learnloop.errors import ProviderError

__all__ = ["RemoteLrs"]

TIMEOUT_SECONDS = 30.0


@dataclass
class RemoteLrs:
    """`endpoint` is the LRS's base, the one `statements` hangs off (e.g. https://lrs/xAPI/)."""

    endpoint: str
    username: str
    password: str
    transport: httpx.BaseTransport | None = None
    _client: httpx.Client | None = field(default=None, init=False, repr=False)

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(auth=(self.username, self.password),
                                        timeout=TIMEOUT_SECONDS, transport=self.transport,
                                        headers={"X-Experience-API-Version": "1.0.3"})
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    @property
    def statements_url(self) -> str:
        return self.endpoint.rstrip("/") + "/statements"

    def _call(self, method: str, url: str, **options: Any) -> httpx.Response:
        try:
            return self.client.request(method, url, **options)
        except httpx.HTTPError as error:
            raise ProviderError(f"the LRS at {self.endpoint} did not answer: {error}") from error

    def post_statements(self, statements: list[dict[str, Any]]) -> int:
        """POST a batch; the status code (200/204 stored, 409 an id is stored already)."""
        response = self._call("POST", self.statements_url, json=statements)
        if response.status_code in (200, 204, 409):
            return response.status_code
        raise ProviderError(f"the LRS at {self.endpoint} answered {response.status_code} to a "
                            f"batch of {len(statements)}: {response.text[:300]}")

    def has_statement(self, statement_id: str) -> bool:
        response = self._call("GET", self.statements_url, params={"statementId": statement_id})
        if response.status_code == 404:
            return False
        if response.status_code != 200:
            raise ProviderError(f"the LRS at {self.endpoint} answered {response.status_code} "
                                f"when asked for statement {statement_id}")
        return response.json().get("id") == statement_id

    def pages(self, *, since: str | None, limit: int) -> Iterator[list[dict[str, Any]]]:
        """Pages of statements stored after `since`, following `more` until there is none."""
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        url: str | None = self.statements_url
        followed: set[str] = set()
        while url:
            # params=None: an empty dict would make httpx drop the `more` link's own query
            response = self._call("GET", url, params=params or None)
            if response.status_code != 200:
                raise ProviderError(f"the LRS at {self.endpoint} answered "
                                    f"{response.status_code} to a statements query: "
                                    f"{response.text[:300]}")
            body = response.json()
            yield body.get("statements", [])
            more = body.get("more") or ""
            if more in followed:  # an LRS whose more link goes round in circles
                raise ProviderError(f"the LRS at {self.endpoint} gave the same more link twice")
            followed.add(more)
            # `more` is relative to the LRS's origin (xAPI: an IRL the LRS resolves)
            url = urljoin(self.endpoint, more) if more else None
            params = {}
