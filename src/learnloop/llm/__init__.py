"""Content engines: the one interface that turns source chunks into component bodies.

`engine.py` is the interface; `offline/` needs no model server; LLM providers plug in beside it.
"""
