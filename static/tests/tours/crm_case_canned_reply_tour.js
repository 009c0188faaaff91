import { registry } from "@web/core/registry";
import { screenshot } from "@crm_case/../tests/tours/screenshot_util";

// An agent answers a case with a canned reply from the History tab: the
// reply's placeholders are filled for the case, the agent adds a line and
// sends it to the partner. Then the chatter's full composer offers the same
// replies, and not those of another section.
registry.category("web_tour.tours").add("crm_case_canned_reply_tour", {
    steps: () => [
        {
            content: "The case form is open on its History tab",
            trigger: ".o_form_view .o_notebook .nav-link.active:contains('History')",
        },
        {
            content: "Look for a canned reply",
            trigger: ".o_field_widget[name=canned_reply_id] input",
            run: "edit Tour",
        },
        {
            content: "Only the replies of the case's section and the shared ones are offered",
            trigger:
                ".o-autocomplete--dropdown-menu:not(:has(a:contains('Tour sales pitch')))",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu a:contains('Tour we are on it')",
            run: "click",
        },
        {
            content: "The reply is in Your Action, written for this case",
            trigger:
                ".o_field_widget[name=action_text] textarea:value(Hello Tina Tour, your request Tour scanner jams)",
        },
        {
            trigger: ".o_field_widget[name=action_text] textarea",
            run: "edit Hello Tina Tour, your request Tour scanner jams is handled by Tour Helpdesk. We call you tomorrow.",
        },
        ...screenshot("canned_reply", ".o_field_widget[name=action_text] textarea:value(We call you tomorrow)"),
        {
            trigger: "button[name=action_historize_send]",
            run: "click",
        },
        {
            content: "The answer is in the history, sent to the partner",
            trigger: ".o-mail-Message:contains('We call you tomorrow')",
        },
        {
            content: "Your Action is empty again",
            trigger: ".o_field_widget[name=action_text] textarea:empty",
        },
        // The chatter's full composer offers the same replies in its selector.
        {
            trigger: ".o-mail-Chatter-sendMessage",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-fullComposer",
            run: "click",
        },
        {
            trigger: ".modal .mail-composer-template-dropdown-btn",
            run: "click",
        },
        {
            content: "The section's reply is offered, another section's is not",
            trigger:
                ".mail-composer-template-dropdown:has(.dropdown-item:contains('Tour we are on it')):not(:has(.dropdown-item:contains('Tour sales pitch')))",
        },
        {
            trigger: ".mail-composer-template-dropdown .dropdown-item:contains('Tour we are on it')",
            run: "click",
        },
        {
            content: "The reply is in the composer, written for this case",
            trigger: ".o_mail_composer_form .o_field_widget[name=body]:contains('your request Tour scanner jams')",
        },
        {
            trigger: ".modal button.o_mail_send",
            run: "click",
        },
        {
            content: "Sent from the composer, it is in the history",
            trigger: ".o-mail-Message:contains('is handled by Tour Helpdesk'):not(:contains('We call you tomorrow'))",
        },
    ],
});
