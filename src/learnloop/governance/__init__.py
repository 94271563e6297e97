"""Govern: the one review service the API, the CLI and the console share (reviews.py), the
review policy file (policy_file.py) and living components (living.py)."""
