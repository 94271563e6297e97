"""The fixed frame of the demo company: name, offices, departments, teams and their KPIs.

Plain data, no randomness: the generator varies people, signals and evidence around this frame.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AMERICAS", "COMPANY_NAME", "DEPARTMENT_HEADS", "EMAIL_DOMAIN", "EMEA", "METRICS",
           "TEAMS", "MetricShape", "TeamPlan"]

COMPANY_NAME = "Tidewell Logistics"
EMAIL_DOMAIN = "tidewell.example"

# Where people sit: city → IANA time zone.
EMEA = (("Rotterdam", "Europe/Amsterdam"), ("Manchester", "Europe/London"),
        ("Kraków", "Europe/Warsaw"), ("Lisbon", "Europe/Lisbon"))
AMERICAS = (("Chicago", "America/Chicago"), ("Atlanta", "America/New_York"),
            ("Toronto", "America/Toronto"))
_ROTTERDAM_KRAKOW = (EMEA[0], EMEA[2])


@dataclass(frozen=True, slots=True)
class TeamPlan:
    key: str
    name: str
    department: str
    staff_role: str
    weight: int                      # share of head count (0: the executive team, sized apart)
    locations: tuple[tuple[str, str], ...]
    metrics: tuple[str, ...]         # weekly KPI series reported for the team


@dataclass(frozen=True, slots=True)
class MetricShape:
    """How a team KPI behaves: level, weekly noise and seasonal swing (both relative), rounding."""

    base: float
    noise: float
    seasonal: float
    decimals: int
    unit: str


_SUPPORT_KPIS = ("first_contact_resolution", "average_handle_time")

TEAMS: tuple[TeamPlan, ...] = (
    TeamPlan("exec", "Executive Leadership", "Executive", "executive", 0,
             (EMEA[0], AMERICAS[0]), ("gross_margin",)),
    TeamPlan("sales-emea", "Sales EMEA", "Sales", "account_executive", 7, EMEA, ("win_rate",)),
    TeamPlan("sales-na", "Sales North America", "Sales", "account_executive", 8, AMERICAS,
             ("win_rate",)),
    TeamPlan("account-management", "Account Management", "Sales", "account_manager", 6,
             EMEA[:2] + AMERICAS[:2], ("customer_health_score",)),
    TeamPlan("support-emea", "Customer Support EMEA", "Customer Support", "support_agent", 13,
             EMEA, _SUPPORT_KPIS),
    TeamPlan("support-na", "Customer Support North America", "Customer Support",
             "support_agent", 13, AMERICAS, _SUPPORT_KPIS),
    TeamPlan("support-tier2", "Technical Support (Tier 2)", "Customer Support",
             "support_specialist", 5, EMEA[:2] + AMERICAS[1:2], ("escalation_resolution_time",)),
    TeamPlan("ops-freight", "Freight Operations", "Operations", "freight_coordinator", 11,
             EMEA[:1] + AMERICAS[:2], ("on_time_delivery",)),
    TeamPlan("ops-coldchain", "ColdChain Operations", "Operations", "coldchain_controller", 6,
             (EMEA[0], AMERICAS[1]), ("temperature_excursion_rate",)),
    TeamPlan("ops-carriers", "Carrier Management", "Operations", "carrier_manager", 5,
             (EMEA[0], AMERICAS[0]), ("tender_acceptance_rate",)),
    TeamPlan("eng-platform", "Platform Engineering", "Engineering", "software_engineer", 7,
             _ROTTERDAM_KRAKOW + EMEA[3:], ("change_failure_rate",)),
    TeamPlan("eng-tracking", "Tracking App Engineering", "Engineering", "software_engineer", 7,
             _ROTTERDAM_KRAKOW + AMERICAS[2:], ("deployment_frequency",)),
    TeamPlan("eng-data", "Data & Integrations", "Engineering", "data_engineer", 5,
             _ROTTERDAM_KRAKOW, ("edi_message_success_rate",)),
    TeamPlan("finance", "Finance", "People & Finance", "finance_analyst", 4,
             (EMEA[0], AMERICAS[0]), ("invoice_accuracy",)),
    TeamPlan("people", "People & Learning", "People & Finance", "people_partner", 3,
             EMEA[:2] + AMERICAS[:1], ("time_to_hire",)),
)

# Department → the title its head carries; the CEO heads Executive.
DEPARTMENT_HEADS: dict[str, str] = {
    "Sales": "Chief Revenue Officer", "Customer Support": "VP Customer Support",
    "Operations": "Chief Operating Officer", "Engineering": "VP Engineering",
    "People & Finance": "Chief Financial Officer",
}

METRICS: dict[str, MetricShape] = {
    "gross_margin": MetricShape(18.5, 0.015, 0.02, 1, "%"),
    "win_rate": MetricShape(24.0, 0.03, 0.02, 1, "%"),
    "customer_health_score": MetricShape(72.0, 0.012, 0.01, 1, "points"),
    "first_contact_resolution": MetricShape(78.0, 0.012, 0.01, 1, "%"),
    "average_handle_time": MetricShape(11.5, 0.02, 0.015, 2, "minutes"),
    "escalation_resolution_time": MetricShape(19.0, 0.04, 0.02, 1, "hours"),
    "on_time_delivery": MetricShape(94.5, 0.006, 0.008, 1, "%"),
    "temperature_excursion_rate": MetricShape(1.6, 0.05, 0.04, 2, "%"),
    "tender_acceptance_rate": MetricShape(88.0, 0.012, 0.02, 1, "%"),
    "change_failure_rate": MetricShape(11.0, 0.06, 0.0, 1, "%"),
    "deployment_frequency": MetricShape(18.0, 0.06, 0.0, 0, "deploys/week"),
    "edi_message_success_rate": MetricShape(99.2, 0.002, 0.0, 2, "%"),
    "invoice_accuracy": MetricShape(97.5, 0.004, 0.0, 1, "%"),
    "time_to_hire": MetricShape(38.0, 0.06, 0.03, 0, "days"),
}
