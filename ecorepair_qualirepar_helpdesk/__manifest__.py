{
    "name": "QualiRépar – Call centre",
    "summary": "Every inbound request of a QualiRépar repair shop as a helpdesk ticket (OCA helpdesk_mgmt): channel, "
    "customer, device, the label's answer delay, complaints for the audit, turned into a repair, an appointment "
    "or a quote in one click",
    "version": "18.0.1.0.0",
    "category": "After-Sales",
    "website": "https://github.com/ecorepair/ecorepair_qualirepar",
    "author": "ecorepair_qualirepar developers",
    # helpdesk_mgmt is AGPL-3: the add-on that depends on it is too.
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["ecorepair"],
    "depends": ["ecorepair_qualirepar", "helpdesk_mgmt", "calendar"],
    "data": [
        "security/qualirepar_helpdesk_security.xml",
        "data/qualirepar_helpdesk_data.xml",
        "views/helpdesk_ticket_views.xml",
        "views/res_config_settings_views.xml",
        "report/qualirepar_audit_pack_report.xml",
    ],
    "demo": ["demo/qualirepar_helpdesk_demo.xml"],
    "installable": True,
    "application": False,
}
