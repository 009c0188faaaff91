import { registry } from "@web/core/registry";
import { screenshot } from "@crm_case/../tests/tours/screenshot_util";
import { openCasesApp, openMenu } from "./menu_util";

// The README's walk-through, one picture per stop.
registry.category("web_tour.tours").add("crm_case_walkthrough_tour", {
    url: "/odoo",
    steps: () => [
        ...openCasesApp(),
        {
            trigger: ".o_breadcrumb:contains('All Cases')",
        },
        ...openMenu("Cases", "Cases by Section"),
        {
            trigger: ".o_kanban_record:contains('Support Level 1')",
        },
        ...screenshot(
            "cases_by_section",
            ".o_kanban_record:contains('Quality') a.o_crm_case_section_late:contains('1')"
        ),
        ...openMenu("Cases", "All Cases"),
        {
            trigger: ".o_data_row:contains('Printer does not start') td.o_data_cell[name=name]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=action_text] textarea",
            run: "edit Restarted the print spooler; the customer prints a test page tomorrow.",
        },
        {
            trigger: "button[name=action_historize]",
            run: "click",
        },
        {
            trigger: ".o-mail-Message:contains('Restarted the print spooler')",
        },
        {
            content: "Level 1 hands the case over to level 2",
            trigger: "button[name=action_escalate]",
            run: "click",
        },
        {
            trigger: ".o-mail-Message:contains('Escalated from Support Level 2 / Support Level 1 to Support Level 2')",
        },
        ...screenshot(
            "case_form",
            ".o_form_statusbar:not(:has(button[name=action_escalate]))"
        ),
        ...openMenu("Configuration", "Rules"),
        {
            trigger: ".o_data_row:contains('Copy to an expert after 2 days') td.o_data_cell",
            run: "click",
        },
        {
            content: "Show the criteria down to the timing",
            trigger: ".o_field_widget[name=trg_date_range_type]",
            run() {
                document
                    .querySelector(".o_notebook_headers")
                    .scrollIntoView({ block: "start" });
            },
        },
        ...screenshot(
            "rule_form",
            ".o_field_widget[name=name] input:value(Copy to an expert after 2 days)"
        ),
        ...openMenu("Configuration", "Sections"),
        {
            trigger: ".o_data_row:contains('Support Level 1') td.o_data_cell",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=alias_name] input:value(support)",
        },
        ...screenshot(
            "section_form",
            ".o_notebook a.nav-link.active:contains('Mail Gateway')"
        ),
    ],
});
