"""The delivery agent's services: the outbox worker (sending), plans, moment-of-need rules, the
learner's inbox and interactions, spaced reinforcement. They work in the caller's session,
except `sending`, which owns the transactions around a channel call (a job calls it)."""
