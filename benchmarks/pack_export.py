"""How fast a pack is written out as an HTML folder zip, a SCORM 2004 package and a cmi5 package.

Prints, for the offline pack of a 20-page source (every component but translation), the
milliseconds to build each package and its size (aim: well under a second each).
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from content_generate import KINDS, long_document

from learnloop.content.exports import package_bytes
from learnloop.domain.content.chunks import chunk_source
from learnloop.domain.content.export import pack_document
from learnloop.domain.content.packs import Component, Pack
from learnloop.llm.engine import GenerationRequest
from learnloop.llm.offline import OfflineEngine


def offline_pack(pages: int) -> Pack:
    chunks = chunk_source(long_document(pages), source_key="long", version=1)
    engine = OfflineEngine()
    now = datetime.now(UTC)
    components = []
    for number, kind in enumerate(KINDS, start=1):
        made = engine.generate(GenerationRequest(kind=kind, source_title="Long", chunks=chunks))
        components.append(Component(
            id=number, key=f"long.{kind}", version=1, kind=str(kind), title=made.body.title,
            body=made.body.model_dump(mode="json"), source_key="long", source_version=1,
            engine=engine.name, model=engine.model,
            prompt_version=made.provenance.prompt_version,
            chunk_ids=tuple(made.provenance.chunk_ids), input_tokens=0, output_tokens=0,
            cost_usd=0.0, cached=False, checks=None, created_at=now))
    return Pack(id=1, title="Long", source_key="long", source_title="Long", source_version=1,
                need_id=None, need_key=None, engine=engine.name, model=engine.model,
                modality={"mix": ["micro_content"], "reasons": []}, input_tokens=0,
                output_tokens=0, cost_usd=0.0, created_by="benchmark", created_at=now,
                components=tuple(components))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    document = pack_document(offline_pack(arguments.pages))
    for kind in ("zip", "scorm", "cmi5"):
        started = time.perf_counter()
        for _ in range(arguments.repeat):
            built = package_bytes(document, format=kind)
        milliseconds = (time.perf_counter() - started) / arguments.repeat * 1000
        print(f"{kind:<5} package of a {arguments.pages}-page pack ({len(document['components'])} "
              f"components): {milliseconds:.1f} ms, {len(built) / 1024:.0f} KiB (aim < 1000 ms)")


if __name__ == "__main__":
    main()
