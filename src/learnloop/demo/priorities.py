"""What Tidewell's L&D works towards: weighted business objectives with KPIs, and one non-priority.

The non-priority is a real request that no priority KPI depends on, so the loop must stay quiet.
"""

from __future__ import annotations

from learnloop.demo.catalogue import METRICS
from learnloop.domain.objectives import Direction, Kpi, Objective

__all__ = ["NOT_PRIORITIES", "OBJECTIVES"]

_UP, _DOWN = Direction.UP, Direction.DOWN


def _kpi(metric: str, direction: Direction, target: float) -> Kpi:
    return Kpi(metric=metric, direction=direction, unit=METRICS[metric].unit, target=target)


OBJECTIVES: tuple[Objective, ...] = (
    Objective(
        key="resolve-first-contact", title="Resolve customer issues at the first contact",
        priority=True, weight=0.30, owner="VP Customer Support",
        description="Shippers should not have to call twice. Raise first-contact resolution to "
                    "80% in both regions as ColdChain grows, without credits leaking outside "
                    "policy.",
        reason="Repeat contacts are the largest driver of churn in the 2024 customer survey.",
        kpis=(_kpi("first_contact_resolution", _UP, 80.0),),
        skill_keys=("coldchain_product", "temperature_excursion_handling",
                    "refunds_credits_policy", "ticket_triage", "tracking_platform"),
        team_keys=("support-emea", "support-na", "support-tier2")),
    Objective(
        key="grow-coldchain", title="Grow ColdChain to 12% of revenue by year end",
        priority=True, weight=0.22, owner="Chief Operating Officer",
        description="Launch ColdChain in EMEA (May 2025) and keep temperature excursions under "
                    "1.5% of shipments while volume triples.",
        reason="Highest-margin service line; the board plan depends on it.",
        kpis=(_kpi("temperature_excursion_rate", _DOWN, 1.5),),
        skill_keys=("coldchain_product", "cold_chain_compliance",
                    "temperature_excursion_handling", "solution_selling"),
        team_keys=("ops-coldchain", "sales-emea", "sales-na", "support-emea", "support-na")),
    Objective(
        key="deliver-on-time", title="Deliver 96% of shipments on time",
        priority=True, weight=0.15, owner="Chief Operating Officer",
        description="On-time delivery is the promise in every contract; hold 96% with carriers "
                    "accepting our tenders the first time.",
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
        description="Healthy accounts renew: customer health above 75 and invoices right "
                    "first time.",
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
        description="Hold average handle time near 11 minutes while first-contact "
                    "resolution rises.",
        reason="Cost to serve matters, but never at the expense of resolution.",
        kpis=(_kpi("average_handle_time", _DOWN, 11.0),
              _kpi("escalation_resolution_time", _DOWN, 16.0)),
        skill_keys=("knowledge_base_search", "ticket_triage"),
        team_keys=("support-emea", "support-na", "support-tier2")),
)

NOT_PRIORITIES: tuple[Objective, ...] = (
    Objective(
        key="spreadsheet-macros-for-everyone", title="Advanced spreadsheet macros for everyone",
        priority=False, weight=0.0, owner="Finance Manager",
        description="Requested by the Finance Manager: a VBA macros course for all 400 staff "
                    "before the month-end reporting pack is rebuilt.",
        reason="No priority KPI depends on it, and the month-end pack moves to the BI tool in "
               "Q3. Offer the existing self-paced course to Finance on request; do not push it "
               "to everyone.",
        skill_keys=("spreadsheet_macros",)),
)
