"""xAPI's Alternate Request Syntax (Communication 1.3): a POST with `?method=PUT|GET|DELETE|POST`
whose form body carries the headers, the parameters and the content, turned into that request."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from learnloop.xapi.errors import BadXapiRequest

__all__ = ["Rewritten", "rewrite"]

METHODS = frozenset({"GET", "HEAD", "PUT", "POST", "DELETE"})
# the form fields a client sends as headers (Communication 1.3.s3.b7)
HEADER_FIELDS = frozenset({"authorization", "x-experience-api-version", "content-type",
                           "content-length", "if-match", "if-none-match"})
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True, slots=True)
class Rewritten:
    """The request the form stood for."""

    method: str
    query_string: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes


def rewrite(*, query_string: bytes, headers: list[tuple[bytes, bytes]],
            body: bytes) -> Rewritten:
    """The request a POST with `method` in its query stands for; BadXapiRequest when the URL
    has other parameters or the body is not a form (Communication 1.3.s3.b4)."""
    query = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    if [name for name, _ in query] != ["method"]:
        raise BadXapiRequest("an alternate request takes only 'method' in its URL; send the "
                             "other parameters in the form body")
    method = query[0][1].upper()
    if method not in METHODS:
        raise BadXapiRequest(f"method must be one of {', '.join(sorted(METHODS))}")
    kept = [(name, value) for name, value in headers
            if name.lower() not in (b"content-type", b"content-length")]
    content_type = next((value for name, value in headers if name.lower() == b"content-type"),
                        b"").decode("latin-1")
    if content_type.split(";")[0].strip().lower() != FORM:
        raise BadXapiRequest(f"an alternate request's body is a form ({FORM})")
    fields = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    content = b""
    parameters: list[tuple[str, str]] = []
    for name, value in fields:
        if name == "content":
            content = value.encode("utf-8")
        elif name.lower() in HEADER_FIELDS:
            kept = [item for item in kept if item[0].lower() != name.lower().encode()]
            kept.append((name.lower().encode("latin-1"), value.encode("latin-1")))
        else:
            parameters.append((name, value))
    if not any(name.lower() == b"content-type" for name, _ in kept):
        kept.append((b"content-type", b"application/json"))
    kept.append((b"content-length", str(len(content)).encode()))
    return Rewritten(method=method, query_string=urlencode(parameters).encode("latin-1"),
                     headers=kept, body=content)
