"""Text a reader cannot see is not content: which HTML elements and Word runs are hidden.

Hidden text (display:none, visibility:hidden, white or zero-size text, hidden attributes, HTML
comments) is where instructions meant for an AI are planted; extraction drops it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["hidden_classes", "hides", "strip_hidden_markup", "word_run_hidden"]

_WHITE = {"white", "#fff", "#ffffff", "rgb(255,255,255)", "rgba(255,255,255,1)", "fff", "ffffff"}
_HIDDEN_CLASSES = frozenset({"hidden", "d-none", "invisible", "sr-only", "visually-hidden",
                             "screen-reader-text", "hide"})
_DECLARATION = re.compile(r"([a-z-]+)\s*:\s*([^;]+)")
_SIZE = re.compile(r"^(-?\d*\.?\d+)\s*(px|pt|em|rem|%)?$")
_OFFSCREEN = 1000  # px: text pushed this far off the page is not meant to be read
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_OPEN_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^<>]*?)?)\s*(/?)>")
_ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_STYLE_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


def hides(tag: str, attrs: Iterable[tuple[str, str | None]], *,
          classes: frozenset[str] = frozenset()) -> bool:
    """Whether an element with these attributes hides its content from a reader; `classes`
    are the page's own classes its style sheet hides."""
    values = {name.lower(): (value or "") for name, value in attrs}
    if "hidden" in values or values.get("aria-hidden", "").lower() == "true":
        return True
    if tag == "input" and values.get("type", "").lower() == "hidden":
        return True
    if tag == "font" and values.get("color", "").strip().lower() in _WHITE:
        return True
    names = set(values.get("class", "").lower().split())
    if names & (_HIDDEN_CLASSES | classes):
        return True
    return style_hides(values.get("style", ""))


def style_hides(style: str) -> bool:
    """Whether inline CSS declarations make text invisible."""
    declarations = {name.strip().lower(): value.strip().lower().replace(" ", "")
                    for name, value in _DECLARATION.findall(style.lower())}
    if declarations.get("display", "").startswith("none"):
        return True
    if declarations.get("visibility", "").startswith(("hidden", "collapse")):
        return True
    if declarations.get("opacity", "").startswith(("0", ".")) and \
            _number(declarations["opacity"]) is not None and _number(declarations["opacity"]) < 0.1:
        return True
    if declarations.get("color", "").removesuffix("!important") in _WHITE:
        return True
    if _tiny(declarations.get("font-size", "")):
        return True
    if any(_tiny(declarations.get(name, "")) for name in ("width", "height", "max-height",
                                                         "max-width")) and \
            declarations.get("overflow", "") in {"hidden", "clip"}:
        return True
    if "clip" in declarations and declarations["clip"].startswith("rect(0"):
        return True
    return any(_offscreen(declarations.get(name, ""))
               for name in ("left", "top", "text-indent", "margin-left"))


def hidden_classes(stylesheet: str) -> frozenset[str]:
    """The classes a page's <style> sheet hides (".note { display: none }")."""
    found: set[str] = set()
    for selectors, body in _STYLE_RULE.findall(stylesheet):
        if style_hides(body):
            found.update(re.findall(r"\.([a-zA-Z_][-a-zA-Z0-9_]*)\s*(?:,|$)", selectors.strip()))
    return frozenset(name.lower() for name in found)


def strip_hidden_markup(text: str) -> str:
    """Markdown (or any text) without HTML comments and without the HTML elements in it that
    hide their content; visible HTML tags are left as they are."""
    text = _COMMENT.sub("", text)
    classes = frozenset().union(*(hidden_classes(sheet) for sheet in re.findall(
        r"<style[^>]*>(.*?)</style>", text, flags=re.S | re.I))) if "<style" in text.lower() \
        else frozenset()
    text = re.sub(r"<(style|script|template)\b[^>]*>.*?</\1\s*>", "", text, flags=re.S | re.I)
    kept: list[str] = []
    position = 0
    for match in _OPEN_TAG.finditer(text):
        if match.start() < position:
            continue
        tag = match.group(1).lower()
        attrs = [(name, value.strip("\"'") if value else None)
                 for name, value in _ATTRIBUTE.findall(match.group(2))]
        if tag in _VOID or match.group(3) or not hides(tag, attrs, classes=classes):
            continue
        kept.append(text[position:match.start()])
        position = _element_end(text, tag=tag, start=match.end())
    kept.append(text[position:])
    return "".join(kept)


def word_run_hidden(*, vanish: bool, color: str | None, size_half_points: int | None,
                    shading: str | None) -> bool:
    """Whether a Word run's properties hide it: hidden (vanish), white on no fill, or 1 pt or
    smaller."""
    if vanish:
        return True
    if size_half_points is not None and size_half_points <= 2:
        return True
    white = (color or "").lower() in _WHITE
    on_fill = (shading or "").lower() not in {"", "auto", "ffffff", "fff", "white"}
    return white and not on_fill


def _element_end(text: str, *, tag: str, start: int) -> int:
    """Where the element opened just before `start` ends (after its matching end tag)."""
    depth = 1
    pattern = re.compile(rf"<(/?){tag}\b[^>]*?(/?)>", re.I)
    for match in pattern.finditer(text, start):
        if match.group(2):
            continue
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    return len(text)  # never closed: hidden to the end, as a browser would hide it


def _number(value: str) -> float | None:
    found = _SIZE.match(value.removesuffix("!important"))
    return float(found.group(1)) if found else None


def _tiny(value: str) -> bool:
    number = _number(value)
    if number is None:
        return False
    unit = (_SIZE.match(value.removesuffix("!important")).group(2) or "px")  # type: ignore[union-attr]
    return number <= (1 if unit in {"px", "pt"} else 0.1 if unit in {"em", "rem"} else 5)


def _offscreen(value: str) -> bool:
    number = _number(value)
    return number is not None and number <= -_OFFSCREEN
