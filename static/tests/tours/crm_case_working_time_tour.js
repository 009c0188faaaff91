import { registry } from "@web/core/registry";
import { screenshot } from "@crm_case/../tests/tours/screenshot_util";

// A manager gives a section its working hours; its sub-sections inherit them.
registry.category("web_tour.tours").add("crm_case_working_time_tour", {
    steps: () => [
        {
            content: "No working hours yet: around the clock",
            trigger: ".o_form_view .o_field_widget[name=calendar_id] input",
            run: "edit Support Brussels",
        },
        {
            trigger: ".ui-autocomplete a.dropdown-item:contains('Support Brussels')",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            trigger: ".o_notebook .nav-link:contains('Child Sections')",
            run: "click",
        },
        ...screenshot(
            "section_working_hours",
            ".o_form_view:has(.o_notebook .nav-link.active:contains('Child Sections'))" +
                ":has(.o_data_row:contains('Tour Support Level 1'))"
        ),
    ],
});
