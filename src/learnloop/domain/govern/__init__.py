"""Govern's pure rules: review states, the review policy (tiers, gates, auto-publish), diffs
between component versions and review cycle times. No I/O."""
