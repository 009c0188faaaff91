import { registry } from "@web/core/registry";

// A manager finds a mail the gateway could not process and retries it.
registry.category("web_tour.tours").add("crm_case_gateway_tour", {
    url: "/odoo/action-crm_case.crm_case_mail_failure_action",
    steps: () => [
        {
            content: "The failed mail is listed with its server",
            trigger: ".o_data_row:contains('Tour lost mail'):contains('Tour Server')",
        },
        {
            content: "Retry it",
            trigger: ".o_data_row:contains('Tour lost mail') button[name=action_retry]",
            run: "click",
        },
        {
            content: "It is processed now",
            trigger: ".o_notification:contains('1 mail(s) processed, 0 still failing.')",
        },
    ],
});
