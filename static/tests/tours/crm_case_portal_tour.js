import { registry } from "@web/core/registry";

// A portal customer opens a request, finds it in its list and answers on it.
registry.category("web_tour.tours").add("crm_case_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open a new request from the portal home",
            trigger: ".o_portal_index_card a[href='/my/cases/new']",
            run: "click",
        },
        {
            content: "Choose the category",
            trigger: "select[name=categ_id]",
            run: "selectByLabel Tour Fault",
        },
        {
            content: "Write the subject",
            trigger: "input[name=subject]",
            run: "edit Tour scanner is dead",
        },
        {
            content: "Describe the problem",
            trigger: "textarea[name=description]",
            run: "edit No light at all.",
        },
        {
            content: "Send the request",
            trigger: ".o_crm_case_request_form button[type=submit]",
            run: "click",
        },
        {
            content: "The request page shows the new case",
            trigger: ".o_crm_case_portal h3:contains('Tour scanner is dead')",
        },
        {
            content: "Back to the list of requests",
            trigger: ".breadcrumb a[href='/my/cases']",
            run: "click",
        },
        {
            content: "Open the request from the list",
            trigger: ".o_crm_case_row a:contains('Tour scanner is dead')",
            run: "click",
        },
        {
            content: "Write an answer in the history",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit Any news about my scanner?",
        },
        {
            content: "Send it",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The answer is in the history",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains('Any news about my scanner?')",
        },
    ],
});
