"""How a delivery reads as text and as HTML (email parts, previews): every value escaped, no
script, no remote content."""

from __future__ import annotations

import html

from learnloop.domain.delivery.messages import Message, Why

__all__ = ["render_html", "render_text"]

_LINK_LABELS = {"open": "Open", "complete": "Mark as done", "not-relevant": "Not relevant to me",
                "rate": "Rate it"}


def render_text(message: Message, why: Why) -> str:
    parts = [message.title, "", *message.paragraphs, ""]
    parts += [f"{_LINK_LABELS.get(name, name)}: {url}" for name, url in message.links.items()]
    return "\n".join([*parts, "", why.plain()]).strip() + "\n"


def render_html(message: Message, why: Why) -> str:
    """The email's HTML part: every value escaped, no script, no remote content."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in message.paragraphs)
    links = " | ".join(f'<a href="{html.escape(url, quote=True)}">'
                       f"{html.escape(_LINK_LABELS.get(name, name))}</a>"
                       for name, url in message.links.items())
    evidence = "".join(f"<li>{html.escape(line)}</li>" for line in why.evidence)
    used = (f"<p>Data used: {html.escape(', '.join(why.data_used))}.</p>"
            if why.data_used else "")
    return (f"<html><body><h1>{html.escape(message.title)}</h1>{body}<p>{links}</p>"
            f"<hr><p><strong>Why you are seeing this:</strong> {html.escape(why.reason)}</p>"
            f"<ul>{evidence}</ul>{used}</body></html>")
