"""The demo company's skills taxonomy and the roles that require its skills at a level.

Support agents need ColdChain skills since the product launched: the yardstick of the dip's gap.
"""

from __future__ import annotations

from learnloop.domain.proficiency import Criticality
from learnloop.domain.skills import Requirement, Role, Skill

__all__ = ["ROLES", "SKILLS"]

# category → "key | name | description" lines
_SKILL_TABLE: dict[str, str] = {
    "Product knowledge": """
        tracking_platform | Tidewell Track platform | Milestones, alerts and reports in Track.
        coldchain_product | Tidewell ColdChain product | Bands, TW-Sense loggers, alarms, tiers.
        freight_services | Freight services and Incoterms | FTL, LTL, intermodal; who bears risk.
        edi_integrations | EDI and API integrations | EDI 204/214/210 and the Track API.""",
    "Customer service": """
        customer_communication | Customer communication | Clear, empathetic answers.
        de_escalation | De-escalation | Calming an upset customer and agreeing a next step.
        ticket_triage | Ticket triage | Classifying and routing a case right the first time.
        refunds_credits_policy | Refunds and service credits policy | Credits, limits, exclusions.
        temperature_excursion_handling | Temperature excursion handling | Logger data, excursion \
classification and the Excursion Review.
        knowledge_base_search | Knowledge base search | Finding the right Tidewell Desk article.""",
    "Sales": """
        discovery_questioning | Discovery questioning | A shipper's lanes, volumes, pain, process.
        solution_selling | Solution selling | Matching services to a problem; quantifying value.
        negotiation | Negotiation | Trading concessions for commitments on rate, volume and term.
        pipeline_management | Pipeline management | Forecast-accurate stages and next steps.
        commercial_proposals | Commercial proposals | Rate cards, lane pricing, proposals.
        account_planning | Account planning | Growth plans for strategic customers.
        renewal_management | Renewal management | Running renewals early, protecting margin.""",
    "Operations": """
        shipment_planning | Shipment planning | Loads, appointments and routes that hold.
        carrier_sourcing | Carrier sourcing | Finding and qualifying capacity on a lane.
        exception_management | Exception management | Acting on delays before the customer asks.
        customs_documentation | Customs documentation | Invoices, T1/T2 transit, US entries.
        cold_chain_compliance | Cold chain compliance (GDP) | EU GDP and FDA temperature rules.
        rate_negotiation | Carrier rate negotiation | Contract and spot rates with carriers.
        route_optimisation | Route optimisation | Cutting empty miles and dwell time.""",
    "Engineering": """
        python | Python | Services and data pipelines in Python.
        typescript | TypeScript | The Track web app and its components.
        sql | SQL | Querying and modelling relational data.
        cloud_infrastructure | Cloud infrastructure | Kubernetes, networking, managed services.
        ci_cd | CI/CD | Pipelines, trunk-based development and safe releases.
        observability | Observability | Metrics, logs, traces and useful alerts.
        api_design | API design | Stable, documented HTTP APIs.
        data_modelling | Data modelling | Schemas and pipelines that stay correct.
        incident_response | Incident response | Running an incident and its blameless review.
        secure_coding | Secure coding | OWASP risks and secrets handling.""",
    "Business": """
        financial_reporting | Financial reporting | Month-end close and management accounts.
        billing_invoicing | Billing and invoicing | Freight invoices, accessorials, credit notes.
        spreadsheet_modelling | Spreadsheet modelling | Sound, checkable spreadsheet models.
        spreadsheet_macros | Advanced spreadsheet macros | Automating spreadsheets with VBA.
        employment_law | Employment law basics | Contracts and fair process in six countries.
        talent_acquisition | Talent acquisition | Sourcing, structured interviews and offers.
        learning_design | Learning design | Practice-based learning tied to a business result.
        data_literacy | Data literacy | Reading dashboards and questioning a number.""",
    "Leadership": """
        coaching | Coaching | Helping someone find their own next step.
        performance_conversations | Performance conversations | Expectations, feedback, follow-up.
        prioritisation | Prioritisation | Choosing what not to do.
        change_management | Change management | Landing a new process or tool with a team.
        stakeholder_management | Stakeholder management | Keeping partners informed and aligned.""",
}

SKILLS: tuple[Skill, ...] = tuple(
    Skill(key=key, name=name, category=category, description=description)
    for category, table in _SKILL_TABLE.items()
    for key, name, description in (
        (cell.strip() for cell in line.split("|")) for line in table.strip().splitlines())
)

_SKILL_NAMES = {skill.key: skill.name for skill in SKILLS}
_C, _H, _M, _L = Criticality.CRITICAL, Criticality.HIGH, Criticality.MEDIUM, Criticality.LOW


def _role(key: str, name: str, description: str,
          *requirements: tuple[str, int, Criticality]) -> Role:
    return Role(key=key, name=name, description=description, requirements=tuple(
        Requirement(skill_key=skill, skill_name=_SKILL_NAMES[skill], level=level,
                    criticality=criticality)
        for skill, level, criticality in requirements))


ROLES: tuple[Role, ...] = (
    _role("executive", "Executive", "Leads the company or one of its departments.",
          ("prioritisation", 4, _C), ("stakeholder_management", 4, _H),
          ("change_management", 3, _H), ("coaching", 3, _M), ("data_literacy", 3, _M)),
    _role("team_lead", "Team Lead", "Leads a team day to day.",
          ("coaching", 3, _H), ("performance_conversations", 3, _H), ("prioritisation", 3, _M),
          ("change_management", 2, _M), ("data_literacy", 2, _M)),
    _role("account_executive", "Account Executive", "Wins new shippers for freight and ColdChain.",
          ("discovery_questioning", 3, _C), ("solution_selling", 3, _H), ("negotiation", 3, _H),
          ("pipeline_management", 2, _M), ("commercial_proposals", 2, _M),
          ("freight_services", 2, _M), ("coldchain_product", 2, _M)),
    _role("account_manager", "Account Manager", "Grows and renews existing customers.",
          ("account_planning", 3, _H), ("renewal_management", 3, _C),
          ("customer_communication", 3, _H), ("tracking_platform", 2, _M), ("negotiation", 2, _M)),
    _role("support_agent", "Customer Support Agent",
          "Answers shippers by phone, chat and e-mail in Tidewell Desk; resolves at first contact.",
          ("customer_communication", 3, _H), ("ticket_triage", 3, _H),
          ("tracking_platform", 3, _H), ("coldchain_product", 3, _C),
          ("temperature_excursion_handling", 3, _C), ("refunds_credits_policy", 3, _H),
          ("knowledge_base_search", 2, _M), ("de_escalation", 2, _M)),
    _role("support_specialist", "Technical Support Specialist",
          "Tier 2: integrations, logger data and complex claims.",
          ("edi_integrations", 3, _C), ("tracking_platform", 4, _H),
          ("temperature_excursion_handling", 3, _H), ("refunds_credits_policy", 3, _M),
          ("sql", 2, _M), ("customer_communication", 3, _M)),
    _role("freight_coordinator", "Freight Coordinator", "Plans and runs shipments end to end.",
          ("shipment_planning", 3, _C), ("exception_management", 3, _H),
          ("freight_services", 3, _H), ("customs_documentation", 2, _M),
          ("tracking_platform", 2, _M), ("route_optimisation", 2, _L)),
    _role("coldchain_controller", "ColdChain Controller",
          "Monitors temperature-controlled shipments 24/7 in the Control Tower.",
          ("cold_chain_compliance", 4, _C), ("temperature_excursion_handling", 4, _C),
          ("coldchain_product", 3, _H), ("exception_management", 3, _H),
          ("shipment_planning", 2, _M)),
    _role("carrier_manager", "Carrier Manager", "Sources and manages carrier capacity and rates.",
          ("carrier_sourcing", 3, _C), ("rate_negotiation", 3, _H), ("freight_services", 3, _M),
          ("stakeholder_management", 2, _M)),
    _role("software_engineer", "Software Engineer", "Builds and runs the Tidewell Track platform.",
          ("python", 3, _H), ("typescript", 2, _M), ("ci_cd", 3, _H), ("observability", 2, _H),
          ("api_design", 2, _M), ("incident_response", 2, _H), ("secure_coding", 2, _M)),
    _role("data_engineer", "Data Engineer", "Builds customer integrations and the data platform.",
          ("sql", 3, _C), ("python", 3, _H), ("data_modelling", 3, _H),
          ("edi_integrations", 3, _H), ("observability", 2, _M)),
    _role("finance_analyst", "Finance Analyst", "Billing, credit notes and management reporting.",
          ("billing_invoicing", 3, _C), ("financial_reporting", 3, _H),
          ("spreadsheet_modelling", 3, _M), ("refunds_credits_policy", 2, _M),
          ("data_literacy", 3, _M)),
    _role("people_partner", "People Partner", "Hiring, people processes and learning.",
          ("talent_acquisition", 3, _H), ("employment_law", 2, _H), ("learning_design", 2, _M),
          ("coaching", 2, _M), ("data_literacy", 2, _L)),
)
