"""The domain core: plain records and pure rules of learnloop, with no I/O and no framework.

Agents, importers, the API and the console all speak in these terms.
"""
