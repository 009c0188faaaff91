import { registry } from "@web/core/registry";
import { openCasesApp } from "./menu_util";

// A support agent's day: a case created from the menu, opened, noted,
// escalated from level 1 to level 2, then closed.
registry.category("web_tour.tours").add("crm_case_tour", {
    url: "/odoo",
    steps: () => [
        ...openCasesApp(),
        {
            content: "Create a case",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour printer case",
        },
        {
            trigger: ".o_field_widget[name=section_id] input",
            run: "edit Tour Level 1",
        },
        {
            trigger: ".ui-autocomplete a.dropdown-item:contains('Tour Level 1')",
            run: "click",
        },
        {
            content: "A new case is a draft, so only Open, Cancel and Escalate apply",
            trigger: ".o_form_statusbar:not(:has(button[name=action_close])):has(button[name=action_open])",
        },
        {
            trigger: "button[name=action_open]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Open')",
        },
        {
            trigger: ".o_field_widget[name=action_text] textarea",
            run: "edit Called the customer about the printer.",
        },
        {
            trigger: "button[name=action_historize]",
            run: "click",
        },
        {
            content: "The note is in the history",
            trigger: ".o-mail-Message:contains('Called the customer about the printer.')",
        },
        {
            trigger: "button[name=action_escalate]",
            run: "click",
        },
        {
            trigger: ".o-mail-Message:contains('Escalated from Tour Level 2 / Tour Level 1 to Tour Level 2')",
        },
        {
            content: "Level 2 has no parent: Escalate disappears",
            trigger: ".o_form_statusbar:not(:has(button[name=action_escalate]))",
        },
        {
            trigger: "button[name=action_close]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Closed')",
        },
        {
            content: "A closed case can only be reset to draft",
            trigger: ".o_form_statusbar:has(button[name=action_draft]):not(:has(button[name=action_open]))",
        },
    ],
});
