"""The console: server-rendered Jinja2 pages for L&D, reviewers, managers and learners.

Thin like the API: authorise, ask the store or an agent, render.
"""
