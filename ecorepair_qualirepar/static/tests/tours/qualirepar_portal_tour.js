/** @odoo-module **/
/* A customer follows the link of their repair (F19): the quote, then the finished repair. */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("qualirepar_portal_quote_tour", {
    // On a phone: the link of the SMS, the quote with its bonus, the signature, the repair's page.
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
            content: "The quote shows the bonus deducted and the net to pay, as its PDF",
            trigger: "#total:contains(Untaxed Amount):contains(Bonus réparation QualiRépar (ecosystem)):contains(Net amount to pay)",
        },
        {
            content: "The net to pay at the top",
            trigger: "#qualirepar_net_to_pay:contains(Net amount to pay)",
        },
        {
            content: "A repair quote is signed, not paid online",
            trigger: "#sale_order_sidebar_button a[data-bs-target=\"#modalaccept\"]:contains(Accept & Sign)",
            async run(helpers) {
                const buttons = [...document.querySelectorAll("a[data-bs-target='#modalaccept']")];
                if (buttons.some((button) => button.textContent.includes("Pay"))) {
                    throw new Error("A payment is asked for the repair quote");
                }
                await helpers.click();
            },
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
            content: "Accept the quote, once her name is drawn in that style",
            trigger: ".modal .o_portal_sign_submit:enabled",
            async run(helpers) {
                // A new style draws her name again once its image loads: clicking before sends no signature.
                const canvas = document.querySelector(".modal canvas.o_web_sign_signature");
                const drawn = () => canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data
                    .some((value, index) => index % 4 === 3 && value);
                for (let wait = 0; wait < 50 && !drawn(); wait++) {
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                await helpers.click();
            },
        },
        {
            content: "The quote is accepted, nothing to pay",
            trigger: "#quote_content:contains(Thank You):not(:contains(No suitable payment method))",
        },
        {
            content: "Back to the repair",
            trigger: "a#qualirepar_repair_link",
            run: "click",
        },
        {
            content: "The repair's page says the quote is accepted",
            trigger: "#qualirepar_quote_accepted:contains(You accepted the quote)",
        },
        {
            trigger: "#qualirepar_steps li.fw-bold:contains(Quote accepted)",
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
