import { registry } from "@web/core/registry";
import { screenshot } from "@crm_case/../tests/tours/screenshot_util";

// The customer of a closed case followed the "Dissatisfied" link of the
// rating mail: Odoo's rating page took the score and asks for a comment.
registry.category("web_tour.tours").add("crm_case_rating_tour", {
    steps: () => [
        {
            content: "The score of the mail's link is chosen",
            trigger: ".o_rating_page_submit input#rate_1:checked",
        },
        {
            content: "Write a comment",
            trigger: ".o_rating_page_submit textarea[name=feedback]",
            run: "edit Friendly technician, but the scanner was down for a week.",
        },
        ...screenshot(
            "case_rating",
            ".o_rating_page_submit textarea[name=feedback]:value(down for a week)"
        ),
        {
            content: "Send it",
            trigger: ".o_rating_page_submit button[type=submit]",
            run: "click",
        },
        {
            content: "The customer is thanked",
            trigger: ".o_rating_page_thank_you",
        },
    ],
});
