"""The demo organisation: a realistic fictional company with a planted KPI dip and its causes.

`learnloop demo` calls `build_demo`; tests compare what the loop finds with `truth.json`.
"""

from learnloop.demo.build import DemoSummary, build_demo
from learnloop.demo.generator import DemoCompany, generate_company

__all__ = ["DemoCompany", "DemoSummary", "build_demo", "generate_company"]
