import { drag, hover } from "@odoo/hoot-dom";
import { registry } from "@web/core/registry";
import { screenshot } from "@crm_case/../tests/tours/screenshot_util";
import { openCasesApp, openMenu } from "./menu_util";

function openApp() {
    return [
        ...openCasesApp(),
        {
            trigger: ".o_breadcrumb:contains('All Cases')",
        },
    ];
}

// A manager generates the menus of a new section, then uses them.
registry.category("web_tour.tours").add("crm_case_menu_wizard_tour", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        ...openMenu("Configuration", "Create Menus for a New Section", false),
        {
            trigger: ".modal .o_field_widget[name=section_id] input",
            run: "edit Tour Field Service",
        },
        {
            trigger: ".ui-autocomplete a.dropdown-item:contains('Tour Field Service')",
            run: "click",
        },
        {
            content: "The base name is proposed from the section",
            trigger: ".modal .o_field_widget[name=base_name] input:value(Tour Field Service)",
        },
        {
            trigger: ".modal .o_field_widget[name=base_name] input",
            run: "edit Business Opportunities",
        },
        {
            trigger: ".modal .o_field_widget[name=view_kanban] input",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_create_menus]",
            run: "click",
        },
        {
            content: "The client reloads on the new All menu",
            trigger: ".o_breadcrumb:contains('All Business Opportunities')",
        },
        {
            trigger: ".o_menu_sections button:contains('Business Opportunities')",
            run: "click",
        },
        ...screenshot(
            "business_opportunities_menu",
            ".o-dropdown--menu .dropdown-item:contains('Cancelled Business Opportunities')"
        ),
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains('My Business Opportunities')",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains('My Business Opportunities')",
        },
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "The section of the menu is already filled in",
            trigger: ".o_field_widget[name=section_id] input:value(Tour Field Service)",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour visit",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('My Business Opportunities')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour visit')",
        },
        {
            trigger: ".o_switch_view.o_calendar",
            run: "click",
        },
        {
            content: "Move the visit to another day",
            trigger: ".fc-day-today .fc-event:contains('Tour visit')",
            async run(helpers) {
                // Drop in the middle of the first other day of the month.
                await helpers.drag_and_drop(
                    ".fc-daygrid-day:not(.fc-day-today):not(.fc-day-other)",
                    { position: "center" }
                );
            },
        },
        {
            content: "The visit left today",
            trigger: ".fc-daygrid-day:not(.fc-day-today) .fc-event:contains('Tour visit')",
        },
        {
            trigger: ".o_calendar_renderer:not(:has(.fc-day-today .fc-event:contains('Tour visit')))",
        },
    ],
});

// Every view of the product, with the console watched by the test.
registry.category("web_tour.tours").add("crm_case_all_views_tour", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        {
            trigger: ".o_list_view .o_data_row:contains('Views printer')",
        },
        {
            content: "Filter the late cases from the search panel",
            trigger: ".o_control_panel_actions .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o_filter_menu .dropdown-item:contains('Late')",
            run: "click",
        },
        {
            trigger: ".o_searchview_facet:contains('Late')",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Views meeting')))",
        },
        {
            trigger: ".o_searchview_facet:contains('Late') .o_facet_remove",
            run: "click",
        },
        {
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "A card shows partner, deadline, priority and responsible",
            trigger:
                ".o_kanban_record:contains('Views printer'):contains('Views Customer'):has(.fa-clock-o):has(.o_field_badge):has(.o_field_many2one_avatar_user)",
        },
        {
            trigger: ".o_switch_view.o_calendar",
            run: "click",
        },
        {
            trigger: ".o_calendar_renderer .fc-event",
        },
        {
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            trigger: ".o_pivot table",
        },
        {
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            trigger: ".o_graph_renderer canvas",
        },
        {
            trigger: ".o_switch_view.o_activity",
            run: "click",
        },
        {
            trigger: ".o_activity_view .o_activity_record:contains('Views printer')",
        },
        {
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains('Views printer') td.o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "An open case offers Pending, Close and Cancel, not Open",
            trigger:
                ".o_form_statusbar:has(button[name=action_pending]):has(button[name=action_close]):not(:has(button[name=action_open]))",
        },
        {
            trigger: ".o-mail-Chatter",
        },
        ...openMenu("Cases", "Cases by Section"),
        {
            content: "The dashboard of a section counts its late cases",
            trigger: ".o_kanban_record:contains('Views Section') a.o_crm_case_section_late:contains('1')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Views printer')",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Views meeting')))",
        },
        ...openMenu("Cases", "Cases by Section"),
        {
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains('Views Section')",
        },
        ...openMenu("Configuration", "Sections"),
        {
            trigger: ".o_data_row:contains('Views Meetings') td.o_data_cell",
            run: "click",
        },
        {
            trigger: ".o_notebook a.nav-link:contains('Menus')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=generated_menu_ids] .o_data_row:contains('My Meetings')",
        },
        {
            content: "The section's button opens the wizard on that section",
            trigger: ".o_notebook button:contains('Create Menus')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=section_id] input:value(Views Meetings)",
        },
        {
            trigger: ".modal .o_field_widget[name=base_name] input:value(Views Meetings)",
        },
        {
            trigger: ".modal .modal-footer button:contains('Cancel')",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        ...openMenu("Configuration", "Categories"),
        {
            trigger: ".o_list_view",
        },
        ...openMenu("Meetings", "All Meetings"),
        {
            content: "The meeting calendar opens on the calendar",
            trigger: ".o_calendar_renderer .fc-event:contains('Views meeting')",
        },
        ...screenshot("meeting_calendar", ".o_calendar_renderer .fc-event:contains('Views standup')"),
        {
            trigger: ".o_view_scale_selector .scale_button_selection",
            run: "click",
        },
        {
            trigger: ".o_scale_button_week",
            run: "click",
        },
        {
            content: "Stretch the meeting: its duration grows",
            trigger: ".fc-timegrid-event:contains('Views meeting')",
            async run(helpers) {
                const event = helpers.anchor;
                event.scrollIntoView({ block: "center" });
                await hover(event.querySelector(".fc-event-main"));
                // The handle only shows under a real mouse: show it to grab it.
                const resizer = event.querySelector(".fc-event-resizer-end");
                Object.assign(resizer.style, { display: "block", height: "4px", bottom: "0" });
                const { moveTo, drop } = await drag(resizer);
                await moveTo(resizer, { position: { y: 20 }, relative: true });
                await moveTo(resizer, { position: { y: 90 }, relative: true });
                await drop();
            },
        },
        {
            content: "The stretched meeting was saved",
            trigger: ".o_calendar_renderer .fc-timegrid-event:contains('Views standup')",
            run: () => new Promise((resolve) => setTimeout(resolve, 1000)),
        },
    ],
});
