"""`learnloop check FILE_OR_TEXT --source ID`: each sentence of a draft judged against a source.

Thin: read the draft, call the draft checker, render.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from learnloop.cli.context import OrgOption, organisation_session, out

__all__ = ["check"]

_MARKS = {"supported": "✓", "not_supported": "?", "contradicted": "✗"}


def check(
    file_or_text: Annotated[str, typer.Argument(
        help="A draft file (Markdown, text, HTML, PDF, Word) or the text itself.")],
    source: Annotated[str, typer.Option("--source", help="The source's key (or id).")],
    json_output: Annotated[bool, typer.Option(
        "--json", help="Print every sentence's verdict, score and passage as JSON.")] = False,
    org: OrgOption = None,
) -> None:
    """Say, for each sentence, whether the source's current version supports it, does not
    support it, or contradicts it (a changed number, negation or condition), with the passage."""
    from learnloop.content.checking import check_draft, read_draft

    text = read_draft(file_or_text)
    with organisation_session(org) as (workspace, session, organisation):
        result = check_draft(session, organisation_id=organisation.id, source=source, text=text,
                             settings=workspace.settings)
    if json_output:
        out.print(json.dumps(result.to_dict(), ensure_ascii=False), markup=False,
                  highlight=False, soft_wrap=True)
        return
    out.print(f"checked against {result.source} v{result.version} "
              f"({result.embedding_model})", markup=False)
    for verdict in result.verdicts:
        out.print(f"{_MARKS[str(verdict.verdict)]} {verdict.verdict:<13} {verdict.score:.2f}  "
                  f"{verdict.sentence}", markup=False, highlight=False)
        if verdict.passage:
            out.print(f"    passage ({verdict.chunk_id}): {verdict.passage}", markup=False,
                      highlight=False)
        if str(verdict.verdict) != "supported":
            out.print(f"    why: {verdict.reason}", markup=False, highlight=False)
    counts = result.counts()
    out.print(", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items()),
              markup=False)
