"""`python -m learnloop.cli`: the same command as the `learnloop` console script.

Tests start `serve` and `worker` this way in their own processes.
"""

from learnloop.cli import app

app()
