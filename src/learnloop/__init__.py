"""learnloop: a self-hostable learning operating system.

A closed loop of agents from business signals to measured behaviour change.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
