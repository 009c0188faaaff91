import { registry } from "@web/core/registry";

// A case user finds the cases of unverified senders, and sees the verdict on
// each incoming mail in the history.
registry.category("web_tour.tours").add("crm_case_sender_verdict_tour", {
    url: "/odoo/action-crm_case.crm_case_action",
    steps: () => [
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Keep the cases whose sender is not verified",
            trigger: ".o_filter_menu .dropdown-item:contains('Sender not verified')",
            run: "click",
        },
        {
            content: "Only the unproven mail's case is left",
            trigger: ".o_data_row:contains('Unproven refund request')",
        },
        {
            content: "The proven one is filtered out",
            trigger: ".o_list_table:not(:has(.o_data_row:contains('Proven printer issue')))",
        },
        {
            content: "Open the case",
            trigger: ".o_data_row:contains('Unproven refund request') td[name=name]",
            run: "click",
        },
        {
            content: "Its mail is marked in the history",
            trigger:
                ".o-mail-Message .o_crm_case_sender_verdict[data-verdict=unverified]:contains('Sender not verified')",
        },
    ],
});
