import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Steps the tours share to reach a screen as a user does: by the menus.

// Open the CRM & SRM app from the home menu.
export function openCasesApp() {
    return [
        stepUtils.showAppsMenuItem(),
        {
            trigger: ".o_app[data-menu-xmlid='crm_case.crm_case_menu_root']",
            run: "click",
        },
    ];
}

// Click the menu ``item`` of the top menu ``section``, then wait for the
// breadcrumb of what it opens (``opens``; false for a dialog).
export function openMenu(section, item, opens = item) {
    const wait = opens ? [{ trigger: `.o_breadcrumb .active:contains('${opens}')` }] : [];
    return [
        {
            trigger: `.o_menu_sections button:contains('${section}')`,
            run: "click",
        },
        {
            trigger: `.o-dropdown--menu .dropdown-item:contains('${item}')`,
            run: "click",
        },
        ...wait,
    ];
}
