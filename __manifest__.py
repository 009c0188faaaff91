{
    "name": "CRM & SRM Cases",
    "summary": "Generic cases for customer and supplier relations: sections, "
    "workflow, escalation, rules and an email gateway",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "author": "crm_case developers",
    "website": "https://github.com/crm-case/crm_case",
    "license": "LGPL-3",
    "depends": ["mail"],
    "data": [
        "security/crm_case_groups.xml",
        "security/ir.model.access.csv",
        "security/crm_case_security.xml",
        "data/ir_cron_data.xml",
        "wizard/crm_case_section_menu_create_views.xml",
        "views/crm_case_section_views.xml",
        "views/crm_case_categ_views.xml",
        "views/crm_case_views.xml",
        "views/crm_case_rule_views.xml",
        "views/res_partner_views.xml",
        "views/crm_case_gateway_views.xml",
        "views/crm_case_menus.xml",
    ],
    "demo": [
        "demo/crm_case_demo.xml",
        "demo/crm_case_rule_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_case/static/tests/tours/*.js",
        ],
    },
    "uninstall_hook": "uninstall_hook",
    "application": True,
    "installable": True,
    "development_status": "Beta",
    "maintainers": ["crm-case"],
}
