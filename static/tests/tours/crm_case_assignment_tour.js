import { registry } from "@web/core/registry";
import { screenshot } from "@crm_case/../tests/tours/screenshot_util";

// A manager makes a section balance its new cases among its members, with a
// cap of open cases per member.
registry.category("web_tour.tours").add("crm_case_assignment_tour", {
    url: "/odoo/action-crm_case.crm_case_section_action",
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row td[name=complete_name]:contains('Assign Desk')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input:value(Assign Desk)",
        },
        {
            trigger: ".o_notebook .nav-link:contains('Members')",
            run: "click",
        },
        {
            content: "Manual: no cap to set",
            trigger: ".o_form_view:not(:has(.o_field_widget[name=assign_max_open]))",
        },
        {
            trigger: ".o_field_widget[name=assign_method] input[data-value=balanced]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=assign_max_open] input",
            run: "edit 5",
        },
        {
            content: "Show the tab whole in the picture",
            trigger: ".o_field_widget[name=assign_max_open] input:value(5)",
            run() {
                document.querySelector(".o_notebook").scrollIntoView();
            },
        },
        ...screenshot(
            "section_assignment",
            ".o_field_widget[name=member_ids] .o_tag:contains('Desk Member Two')"
        ),
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
    ],
});
