import { registry } from "@web/core/registry";
import { screenshot } from "@crm_case/../tests/tours/screenshot_util";
import { openCasesApp, openMenu } from "./menu_util";

function openApp() {
    return [
        ...openCasesApp(),
        {
            trigger: ".o_breadcrumb:contains('All Cases')",
        },
    ];
}

const CASE_ROW = ".o_data_row:contains('Tour printer on fire')";

// A manager defines a policy; the case filed a while ago shows at risk.
registry.category("web_tour.tours").add("crm_case_sla_policy_tour", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        ...openMenu("Configuration", "SLA Policies"),
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour answer within 10 hours",
        },
        {
            trigger: ".o_field_widget[name=section_id] input",
            run: "edit Tour SLA Level 1",
        },
        {
            trigger: ".ui-autocomplete a.dropdown-item:contains('Tour SLA Level 1')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=target_hours] input",
            run: "edit 10:00",
        },
        {
            content: "At risk from 80 % of the target by default",
            trigger: ".o_field_widget[name=at_risk_percent] input:value(80)",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        ...openMenu("Cases", "All Cases"),
        {
            content: "The case filed nine hours ago is at risk",
            trigger: `${CASE_ROW} .o_field_widget[name=sla_state]:contains('At Risk')`,
        },
        {
            trigger: ".o_data_row:contains('Tour fresh question') .o_field_widget[name=sla_state]:contains('On Time')",
        },
    ],
});

// Later: the deadline passed, the breach rule escalated the case.
registry.category("web_tour.tours").add("crm_case_sla_breach_tour", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        {
            content: "The case is breached and now in the parent section",
            trigger: `${CASE_ROW}:contains('Tour SLA Level 2') .o_field_widget[name=sla_state]:contains('Breached')`,
        },
        ...screenshot("sla_policy", `${CASE_ROW} .o_field_widget[name=sla_state]`),
        {
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The kanban card carries the badge too",
            trigger: ".o_kanban_record:contains('Tour printer on fire') .o_field_widget[name=sla_state]:contains('Breached')",
        },
        {
            trigger: ".o_kanban_record:contains('Tour printer on fire')",
            run: "click",
        },
        {
            trigger: ".o_notebook .nav-link:contains('Service Level')",
            run: "click",
        },
        {
            content: "The form lists the policy with its state",
            trigger: ".o_field_widget[name=sla_status_ids] .o_data_row:contains('Tour answer within 10 hours'):contains('Breached')",
        },
    ],
});
