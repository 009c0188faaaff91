import { registry } from "@web/core/registry";
import { screenshot } from "@crm_case/../tests/tours/screenshot_util";

function selectRow(name) {
    return {
        content: `Select the case ${name}`,
        trigger: `.o_list_view .o_data_row:contains('${name}') .o_list_record_selector input`,
        run: "click",
    };
}

// An agent selects two duplicates in the list and merges them: the wizard
// proposes the older one, which opens with the other's history.
registry.category("web_tour.tours").add("crm_case_merge_tour", {
    url: "/odoo/action-crm_case.crm_case_action",
    steps: () => [
        selectRow("Merge tour: printer broken"),
        selectRow("Merge tour: blank pages"),
        {
            trigger: ".o_cp_action_menus button:contains('Actions')",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .o_menu_item:contains('Merge')",
            run: "click",
        },
        {
            content: "The oldest case is proposed as the target",
            trigger:
                ".modal .o_field_widget[name=target_id] input:value(Merge tour: printer broken)",
        },
        ...screenshot(
            "case_merge",
            ".modal .o_field_widget[name=case_ids] .o_data_row:contains('Merge tour: blank pages')"
        ),
        {
            trigger: ".modal button[name=action_merge]",
            run: "click",
        },
        {
            content: "The target opens, with the note of the merge",
            trigger:
                ".o_form_view .o-mail-Message:contains('was merged into this case'):contains('Blank pages again')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input:value(Merge tour: printer broken)",
        },
        {
            content: "The merged case links to the target",
            trigger: ".o_form_view .o-mail-Message:contains('Printer hums')",
        },
    ],
});
