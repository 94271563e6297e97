"""The delivery agent's pure rules: messages and their "why", retries, schedules, moment-of-need
rules. No I/O: channels, the outbox and the worker build on these."""
