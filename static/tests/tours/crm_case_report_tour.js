import { registry } from "@web/core/registry";
import { openCasesApp } from "./menu_util";

// A case user opens the statistics, drills down from a pivot cell to the cases
// of that cell, and from a line to the case itself.
registry.category("web_tour.tours").add("crm_case_report_tour", {
    url: "/odoo",
    steps: () => [
        ...openCasesApp(),
        {
            trigger: ".o_menu_sections button:contains('Reporting')",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains('Cases by User and Section')",
            run: "click",
        },
        {
            content: "The graph opens first",
            trigger: ".o_graph_renderer canvas",
        },
        {
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The pivot has a row per user",
            trigger: ".o_pivot tr:has(th:contains('Report Agent')) td.o_pivot_cell_value:contains('900.00'):first",
            run: "click",
        },
        {
            content: "The cell opens its cases",
            trigger: ".o_list_view .o_data_row:contains('Report tour case') td[name=name]",
            run: "click",
        },
        {
            content: "A line opens the case",
            trigger: ".o_form_view .o_field_widget[name=name] input:value(Report tour case)",
        },
        {
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            trigger: ".o_menu_sections button:contains('Reporting')",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains('Cases by Category')",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb .active:contains('Cases by Category')",
        },
        {
            trigger: ".o_graph_renderer canvas",
        },
    ],
});
