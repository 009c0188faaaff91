import { registry } from "@web/core/registry";

import { screenshot } from "./screenshot_util";
import { openCasesApp } from "./menu_util";

// A case user opens the service level figures, reads the 90th percentile of a
// month, drills down from that cell to its lines, and from a line to the case.
registry.category("web_tour.tours").add("crm_case_sla_report_tour", {
    url: "/odoo",
    steps: () => [
        ...openCasesApp(),
        {
            trigger: ".o_menu_sections button:contains('Reporting')",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains('Service Levels')",
            run: "click",
        },
        {
            content: "The pivot shows the percentile beside the average",
            trigger: ".o_pivot th:contains('90th Percentile Hours')",
        },
        ...screenshot(
            "sla_report_pivot",
            ".o_pivot tr:has(th:contains('February 2024')) td.o_pivot_cell_value:contains('5.50')"
        ),
        {
            content: "February's first responses: 90 % within 5.5 working hours",
            trigger: ".o_pivot tr:has(th:contains('February 2024')) td.o_pivot_cell_value:contains('5.50')",
            run: "click",
        },
        {
            content: "The cell opens its lines",
            trigger: ".o_list_view .o_data_row:contains('SLA tour late answer') td[name=name]",
            run: "click",
        },
        {
            content: "A line opens the case",
            trigger: ".o_form_view .o_field_widget[name=name] input:value(SLA tour late answer)",
        },
    ],
});
