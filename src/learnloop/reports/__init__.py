"""Reports on what learnloop measured: the impact report per intervention (JSON, CSV, PDF), the
organisation summary and the fairness audit; shared by the CLI, the API and the console.
"""
