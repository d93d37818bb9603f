/** @odoo-module **/
/* A customer follows the link of their repair (F19): the quote, then the finished repair. */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("qualirepar_portal_quote_tour", {
    steps: () => [
        {
            content: "The repair's page says the quote waits for the customer",
            trigger: "#qualirepar_steps li.fw-bold:contains(Quote awaiting your approval)",
        },
        {
            content: "Open the quote",
            trigger: "a#qualirepar_quote_link",
            run: "click",
        },
        {
            content: "Sign and accept",
            trigger: "a[data-bs-target=\"#modalaccept\"]:contains(Sign):first",
            run: "click",
        },
        {
            content: "Sign with her name",
            trigger: ".modal .o_web_sign_name_and_signature input",
            run: "edit Marie Dupont",
        },
        {
            content: "Choose a signature style",
            trigger: ".modal .o_web_sign_auto_select_style button",
            run: "click",
        },
        {
            trigger: ".o-dropdown-item:eq(1)",
            run: "click",
        },
        {
            content: "Accept the quote",
            trigger: ".modal .o_portal_sign_submit:enabled",
            run: "click",
        },
        {
            content: "The quote is accepted",
            trigger: "#quote_content:contains(Thank You)",
        },
    ],
});

registry.category("web_tour.tours").add("qualirepar_portal_done_tour", {
    steps: () => [
        {
            content: "The repair is ready",
            trigger: "#qualirepar_steps li.fw-bold:contains(Ready to collect)",
        },
        {
            content: "Download the invoice",
            trigger: "#qualirepar_documents a:contains(Invoice)",
            async run() {
                const response = await fetch(this.anchor.getAttribute("href"));
                const type = response.headers.get("Content-Type");
                if (!response.ok || type !== "application/pdf") {
                    throw new Error(`The invoice did not download: ${response.status} ${type}`);
                }
            },
        },
        {
            content: "Answer the satisfaction survey",
            trigger: "a#qualirepar_survey_link",
            run: "click",
        },
        {
            trigger: "button.btn:contains(Start)",
            run: "click",
        },
        {
            trigger: "div.js_question-wrapper:contains(Overall, how satisfied) label:contains(Very satisfied)",
            run: "click",
        },
        {
            trigger: "div.js_question-wrapper:contains(within the time) label:contains(Yes)",
            run: "click",
        },
        {
            trigger: "div.js_question-wrapper:contains(What could we do better) textarea",
            run: "edit Un SMS la veille de la restitution.",
        },
        {
            trigger: "button[value=finish]",
            run: "click",
        },
        {
            content: "Thank you",
            trigger: "h1:contains(Thank you)",
        },
    ],
});
