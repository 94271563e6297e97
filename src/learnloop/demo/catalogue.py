"""The fixed shape of the demo company: departments, teams, skills, roles and business objectives.

Plain data, no randomness: the generator varies people, signals and evidence around this frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from learnloop.domain.objectives import Direction, Kpi, Objective
from learnloop.domain.proficiency import Criticality
from learnloop.domain.skills import Role, RoleRequirement, Skill

__all__ = [
    "COMPANY_NAME", "DEPARTMENT_HEADS", "EMAIL_DOMAIN", "METRICS", "OBJECTIVES", "ROLES", "SKILLS",
    "TEAMS", "MetricShape", "TeamPlan",
]

COMPANY_NAME = "Tidewell Logistics"
EMAIL_DOMAIN = "tidewell.example"

# Where people sit: city → IANA time zone.
EMEA = (("Rotterdam", "Europe/Amsterdam"), ("Manchester", "Europe/London"),
        ("Kraków", "Europe/Warsaw"), ("Lisbon", "Europe/Lisbon"))
AMERICAS = (("Chicago", "America/Chicago"), ("Atlanta", "America/New_York"),
            ("Toronto", "America/Toronto"))


@dataclass(frozen=True, slots=True)
class TeamPlan:
    key: str
    name: str
    department: str
    staff_role: str
    weight: int                      # share of head count
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


TEAMS: tuple[TeamPlan, ...] = (
    TeamPlan("exec", "Executive Leadership", "Executive", "executive", 0, EMEA[:1] + AMERICAS[:1], ()),
    TeamPlan("sales-emea", "Sales EMEA", "Sales", "account_executive", 7, EMEA, ("win_rate",)),
    TeamPlan("sales-na", "Sales North America", "Sales", "account_executive", 8, AMERICAS, ("win_rate",)),
    TeamPlan("account-management", "Account Management", "Sales", "account_manager", 6,
             EMEA[:2] + AMERICAS[:2], ("customer_health_score",)),
    TeamPlan("support-emea", "Customer Support EMEA", "Customer Support", "support_agent", 13, EMEA,
             ("first_contact_resolution", "average_handle_time")),
    TeamPlan("support-na", "Customer Support North America", "Customer Support", "support_agent", 13,
             AMERICAS, ("first_contact_resolution", "average_handle_time")),
    TeamPlan("support-tier2", "Technical Support (Tier 2)", "Customer Support", "support_specialist", 5,
             EMEA[:2] + AMERICAS[:1], ("escalation_resolution_time",)),
    TeamPlan("ops-freight", "Freight Operations", "Operations", "freight_coordinator", 11,
             EMEA[:1] + AMERICAS[:2], ("on_time_delivery",)),
    TeamPlan("ops-coldchain", "ColdChain Operations", "Operations", "coldchain_controller", 6,
             EMEA[:1] + AMERICAS[1:2], ("temperature_excursion_rate",)),
    TeamPlan("ops-carriers", "Carrier Management", "Operations", "carrier_manager", 5,
             EMEA[:1] + AMERICAS[:1], ("tender_acceptance_rate",)),
    TeamPlan("eng-platform", "Platform Engineering", "Engineering", "software_engineer", 7,
             EMEA[:3:2] + EMEA[3:], ("change_failure_rate",)),
    TeamPlan("eng-tracking", "Tracking App Engineering", "Engineering", "software_engineer", 7,
             EMEA[:3:2] + AMERICAS[2:], ("deployment_frequency",)),
    TeamPlan("eng-data", "Data & Integrations", "Engineering", "data_engineer", 5, EMEA[:3:2],
             ("edi_message_success_rate",)),
    TeamPlan("finance", "Finance", "People & Finance", "finance_analyst", 4, EMEA[:1] + AMERICAS[:1],
             ("invoice_accuracy",)),
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
    "win_rate": MetricShape(24.0, 0.04, 0.03, 1, "%"),
    "customer_health_score": MetricShape(72.0, 0.012, 0.01, 1, "points"),
    "first_contact_resolution": MetricShape(78.0, 0.012, 0.01, 1, "%"),
    "average_handle_time": MetricShape(11.5, 0.02, 0.015, 2, "minutes"),
    "escalation_resolution_time": MetricShape(19.0, 0.04, 0.02, 1, "hours"),
    "on_time_delivery": MetricShape(94.5, 0.006, 0.008, 1, "%"),
    "temperature_excursion_rate": MetricShape(1.6, 0.06, 0.05, 2, "%"),
    "tender_acceptance_rate": MetricShape(88.0, 0.012, 0.02, 1, "%"),
    "change_failure_rate": MetricShape(11.0, 0.08, 0.0, 1, "%"),
    "deployment_frequency": MetricShape(18.0, 0.08, 0.0, 0, "deploys/week"),
    "edi_message_success_rate": MetricShape(99.2, 0.002, 0.0, 2, "%"),
    "invoice_accuracy": MetricShape(97.5, 0.004, 0.0, 1, "%"),
    "time_to_hire": MetricShape(38.0, 0.06, 0.03, 0, "days"),
}

_SKILLS_BY_CATEGORY: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Product knowledge": (
        ("tracking_platform", "Tidewell Track platform", "Shipment visibility, milestones, alerts and reports in Tidewell Track."),
        ("coldchain_product", "Tidewell ColdChain product", "Temperature bands, TW-Sense loggers, alarms and service tiers of ColdChain."),
        ("freight_services", "Freight services and Incoterms", "FTL, LTL, intermodal services and who carries risk under each Incoterm."),
        ("edi_integrations", "EDI and API integrations", "EDI 204/214/210 and the Track API customers connect with."),
    ),
    "Customer service": (
        ("customer_communication", "Customer communication", "Clear, empathetic spoken and written answers."),
        ("de_escalation", "De-escalation", "Calming an upset customer and agreeing a next step."),
        ("ticket_triage", "Ticket triage", "Classifying, prioritising and routing a case correctly the first time."),
        ("refunds_credits_policy", "Refunds and service credits policy", "Applying the refunds and credits policy, limits and exclusions."),
        ("temperature_excursion_handling", "Temperature excursion handling", "Reading logger data, classifying an excursion and running the Excursion Review."),
        ("knowledge_base_search", "Knowledge base search", "Finding the right article in Tidewell Desk quickly."),
    ),
    "Sales": (
        ("discovery_questioning", "Discovery questioning", "Uncovering a shipper's lanes, volumes, pain and buying process."),
        ("solution_selling", "Solution selling", "Matching services to a shipper's problem and quantifying value."),
        ("negotiation", "Negotiation", "Trading concessions for commitments on rate, volume and term."),
        ("pipeline_management", "Pipeline management", "Forecast-accurate stages, next steps and close dates."),
        ("commercial_proposals", "Commercial proposals", "Rate cards, lane pricing and proposals that win."),
        ("account_planning", "Account planning", "Growth plans for strategic customers."),
        ("renewal_management", "Renewal management", "Running renewals early and protecting margin."),
    ),
    "Operations": (
        ("shipment_planning", "Shipment planning", "Building loads, appointments and routes that hold."),
        ("carrier_sourcing", "Carrier sourcing", "Finding and qualifying capacity on a lane."),
        ("exception_management", "Exception management", "Acting on delays, damages and missed appointments before the customer asks."),
        ("customs_documentation", "Customs documentation", "Commercial invoices, T1/T2 transit and US customs entries."),
        ("cold_chain_compliance", "Cold chain compliance (GDP)", "EU GDP and FDA requirements for temperature-controlled goods."),
        ("rate_negotiation", "Carrier rate negotiation", "Contract and spot rates with carriers."),
        ("route_optimisation", "Route optimisation", "Using the planner to cut empty miles and dwell time."),
    ),
    "Engineering": (
        ("python", "Python", "Services and data pipelines in Python."),
        ("typescript", "TypeScript", "The Track web app and its components."),
        ("sql", "SQL", "Querying and modelling relational data."),
        ("cloud_infrastructure", "Cloud infrastructure", "Kubernetes, networking and managed services."),
        ("ci_cd", "CI/CD", "Pipelines, trunk-based development and safe releases."),
        ("observability", "Observability", "Metrics, logs, traces and useful alerts."),
        ("api_design", "API design", "Stable, documented HTTP APIs."),
        ("data_modelling", "Data modelling", "Schemas and pipelines that stay correct."),
        ("incident_response", "Incident response", "Running an incident and its blameless review."),
        ("secure_coding", "Secure coding", "OWASP risks and secrets handling."),
    ),
    "Business": (
        ("financial_reporting", "Financial reporting", "Month-end close and management accounts."),
        ("billing_invoicing", "Billing and invoicing", "Accurate freight invoices, accessorials and credit notes."),
        ("spreadsheet_modelling", "Spreadsheet modelling", "Sound, checkable spreadsheet models."),
        ("spreadsheet_macros", "Advanced spreadsheet macros", "Automating spreadsheets with VBA macros."),
        ("employment_law", "Employment law basics", "Contracts, working time and fair process in NL, UK, PL, PT, US and CA."),
        ("talent_acquisition", "Talent acquisition", "Sourcing, structured interviews and offers."),
        ("learning_design", "Learning design", "Designing practice-based learning tied to a business result."),
        ("data_literacy", "Data literacy", "Reading dashboards and questioning a number."),
    ),
    "Leadership": (
        ("coaching", "Coaching", "Helping someone find their own next step."),
        ("performance_conversations", "Performance conversations", "Clear expectations, feedback and follow-through."),
        ("prioritisation", "Prioritisation", "Choosing what not to do."),
        ("change_management", "Change management", "Landing a new process or tool with a team."),
        ("stakeholder_management", "Stakeholder management", "Keeping partners informed and aligned."),
    ),
}

SKILLS: tuple[Skill, ...] = tuple(
    Skill(key=key, name=name, category=category, description=description)
    for category, skills in _SKILLS_BY_CATEGORY.items() for key, name, description in skills
)

_C, _H, _M, _L = Criticality.CRITICAL, Criticality.HIGH, Criticality.MEDIUM, Criticality.LOW


def _role(key: str, name: str, description: str, *requirements: tuple[str, int, Criticality]) -> Role:
    return Role(key=key, name=name, description=description, requirements=tuple(
        RoleRequirement(skill_key=skill, level=level, criticality=criticality)
        for skill, level, criticality in requirements))


ROLES: tuple[Role, ...] = (
    _role("executive", "Executive", "Leads the company or one of its departments.",
          ("prioritisation", 4, _C), ("stakeholder_management", 4, _H), ("change_management", 3, _H),
          ("coaching", 3, _M), ("data_literacy", 3, _M)),
    _role("team_lead", "Team Lead", "Leads a team of 5-60 people day to day.",
          ("coaching", 3, _H), ("performance_conversations", 3, _H), ("prioritisation", 3, _M),
          ("change_management", 2, _M), ("data_literacy", 2, _M)),
    _role("account_executive", "Account Executive", "Wins new shippers for freight and ColdChain services.",
          ("discovery_questioning", 3, _C), ("solution_selling", 3, _H), ("negotiation", 3, _H),
          ("pipeline_management", 2, _M), ("commercial_proposals", 2, _M), ("freight_services", 2, _M),
          ("coldchain_product", 2, _M)),
    _role("account_manager", "Account Manager", "Grows and renews existing customers.",
          ("account_planning", 3, _H), ("renewal_management", 3, _C), ("customer_communication", 3, _H),
          ("tracking_platform", 2, _M), ("negotiation", 2, _M)),
    _role("support_agent", "Customer Support Agent",
          "Answers shipper questions by phone, chat and email in Tidewell Desk; resolves at first contact.",
          ("customer_communication", 3, _H), ("ticket_triage", 3, _H), ("tracking_platform", 3, _H),
          ("coldchain_product", 3, _C), ("temperature_excursion_handling", 3, _C),
          ("refunds_credits_policy", 3, _H), ("knowledge_base_search", 2, _M), ("de_escalation", 2, _M)),
    _role("support_specialist", "Technical Support Specialist", "Tier 2: integrations, data and complex claims.",
          ("edi_integrations", 3, _C), ("tracking_platform", 4, _H), ("temperature_excursion_handling", 3, _H),
          ("refunds_credits_policy", 3, _M), ("sql", 2, _M), ("customer_communication", 3, _M)),
    _role("freight_coordinator", "Freight Coordinator", "Plans and runs shipments end to end.",
          ("shipment_planning", 3, _C), ("exception_management", 3, _H), ("freight_services", 3, _H),
          ("customs_documentation", 2, _M), ("tracking_platform", 2, _M), ("route_optimisation", 2, _L)),
    _role("coldchain_controller", "ColdChain Controller", "Monitors temperature-controlled shipments 24/7.",
          ("cold_chain_compliance", 4, _C), ("temperature_excursion_handling", 4, _C),
          ("coldchain_product", 3, _H), ("exception_management", 3, _H), ("shipment_planning", 2, _M)),
    _role("carrier_manager", "Carrier Manager", "Sources and manages carrier capacity and rates.",
          ("carrier_sourcing", 3, _C), ("rate_negotiation", 3, _H), ("freight_services", 3, _M),
          ("stakeholder_management", 2, _M)),
    _role("software_engineer", "Software Engineer", "Builds and runs the Tidewell Track platform.",
          ("python", 3, _H), ("typescript", 2, _M), ("ci_cd", 3, _H), ("observability", 2, _H),
          ("api_design", 2, _M), ("incident_response", 2, _H), ("secure_coding", 2, _M)),
    _role("data_engineer", "Data Engineer", "Builds customer integrations and the data platform.",
          ("sql", 3, _C), ("python", 3, _H), ("data_modelling", 3, _H), ("edi_integrations", 3, _H),
          ("observability", 2, _M)),
    _role("finance_analyst", "Finance Analyst", "Billing, credit notes and management reporting.",
          ("billing_invoicing", 3, _C), ("financial_reporting", 3, _H), ("spreadsheet_modelling", 3, _M),
          ("refunds_credits_policy", 2, _M), ("data_literacy", 3, _M)),
    _role("people_partner", "People Partner", "Hiring, people processes and learning.",
          ("talent_acquisition", 3, _H), ("employment_law", 2, _H), ("learning_design", 2, _M),
          ("coaching", 2, _M), ("data_literacy", 2, _L)),
)


def _kpi(metric: str, direction: Direction, target: float) -> Kpi:
    return Kpi(metric=metric, direction=direction, unit=METRICS[metric].unit, target=target)


_UP, _DOWN = Direction.UP, Direction.DOWN

OBJECTIVES: tuple[Objective, ...] = (
    Objective(
        key="resolve-first-contact", title="Resolve customer issues at the first contact",
        priority=True, weight=0.30, owner="VP Customer Support",
        description="Shippers should not have to call twice. Raise first-contact resolution to 80% in both "
                    "regions as ColdChain grows, without credits leaking outside policy.",
        reason="Repeat contacts are the largest driver of churn in the 2024 customer survey.",
        kpis=(_kpi("first_contact_resolution", _UP, 80.0),),
        skill_keys=("coldchain_product", "temperature_excursion_handling", "refunds_credits_policy",
                    "ticket_triage", "tracking_platform"),
        team_keys=("support-emea", "support-na", "support-tier2")),
    Objective(
        key="grow-coldchain", title="Grow ColdChain to 12% of revenue by year end",
        priority=True, weight=0.22, owner="Chief Operating Officer",
        description="Launch ColdChain in EMEA (May 2025) and keep temperature excursions under 1.5% of "
                    "shipments while volume triples.",
        reason="Highest-margin service line; the board plan depends on it.",
        kpis=(_kpi("temperature_excursion_rate", _DOWN, 1.5),),
        skill_keys=("coldchain_product", "cold_chain_compliance", "temperature_excursion_handling",
                    "solution_selling"),
        team_keys=("ops-coldchain", "sales-emea", "sales-na", "support-emea", "support-na")),
    Objective(
        key="deliver-on-time", title="Deliver 96% of shipments on time",
        priority=True, weight=0.15, owner="Chief Operating Officer",
        description="On-time delivery is the promise in every contract; hold 96% with carriers tendered "
                    "on the first try.",
        reason="Late deliveries trigger contractual credits and lost lanes.",
        kpis=(_kpi("on_time_delivery", _UP, 96.0), _kpi("tender_acceptance_rate", _UP, 90.0)),
        skill_keys=("shipment_planning", "exception_management", "carrier_sourcing"),
        team_keys=("ops-freight", "ops-carriers")),
    Objective(
        key="win-mid-market", title="Win more mid-market shippers",
        priority=True, weight=0.12, owner="Chief Revenue Officer",
        description="Lift win rate on qualified mid-market opportunities from 24% to 28%.",
        reason="New logos in the mid-market carry the growth plan for 2025.",
        kpis=(_kpi("win_rate", _UP, 28.0),),
        skill_keys=("discovery_questioning", "solution_selling", "negotiation"),
        team_keys=("sales-emea", "sales-na")),
    Objective(
        key="keep-customers", title="Keep and grow our customers",
        priority=True, weight=0.10, owner="Chief Revenue Officer",
        description="Healthy accounts renew: customer health above 75 and invoices right first time.",
        reason="Net revenue retention is the second board KPI.",
        kpis=(_kpi("customer_health_score", _UP, 75.0), _kpi("invoice_accuracy", _UP, 98.5)),
        skill_keys=("renewal_management", "account_planning", "billing_invoicing"),
        team_keys=("account-management", "finance")),
    Objective(
        key="reliable-releases", title="Ship Tidewell Track reliably",
        priority=True, weight=0.08, owner="VP Engineering",
        description="Release often with fewer failed changes; keep EDI messages flowing.",
        reason="Platform incidents reach every customer at once.",
        kpis=(_kpi("change_failure_rate", _DOWN, 8.0), _kpi("deployment_frequency", _UP, 20.0),
              _kpi("edi_message_success_rate", _UP, 99.5)),
        skill_keys=("ci_cd", "observability", "incident_response"),
        team_keys=("eng-platform", "eng-tracking", "eng-data")),
    Objective(
        key="efficient-support", title="Keep support efficient",
        priority=True, weight=0.03, owner="VP Customer Support",
        description="Hold average handle time near 11 minutes while first-contact resolution rises.",
        reason="Cost to serve, but never at the expense of resolution.",
        kpis=(_kpi("average_handle_time", _DOWN, 11.0), _kpi("escalation_resolution_time", _DOWN, 16.0)),
        skill_keys=("knowledge_base_search", "ticket_triage"),
        team_keys=("support-emea", "support-na", "support-tier2")),
)

NOT_PRIORITIES: tuple[Objective, ...] = (
    Objective(
        key="spreadsheet-macros-for-everyone", title="Advanced spreadsheet macros for everyone",
        priority=False, weight=0.0, owner="Finance Manager",
        description="Requested by Finance: a VBA macros course for all 400 staff before the month-end "
                    "reporting pack is rebuilt.",
        reason="No priority KPI depends on it and the month-end pack moves to the BI tool in Q3; "
               "offer the existing self-paced course to Finance on request, do not push it to everyone.",
        skill_keys=("spreadsheet_macros",), team_keys=()),
)
