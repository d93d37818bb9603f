import { registry } from "@web/core/registry";

import { customerSigns } from "./qualirepar_intake_steps";

/** On a phone: the customer signs the intake slip on the QualiRépar page, after the consents. */
registry.category("web_tour.tours").add("qualirepar_signature_tour", {
    steps: () => [
        {
            content: "Open the QualiRépar page",
            trigger: ".o_notebook .nav-link:contains('QualiRépar')",
            run: "click",
        },
        {
            content: "The consents are given above the signature",
            trigger: "div[name='qualirepar_consent_gdpr'] input:checked",
        },
        ...customerSigns("qualirepar_intake_signature",
            "Hand the phone to the customer: the signature box of the intake slip"),
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: signed on, stamped by the server",
            trigger: ".o_form_saved div[name='qualirepar_intake_signed_on']:not(:empty)",
        },
        {
            content: "Signed by the customer (their name by default)",
            trigger: "div[name='qualirepar_intake_signed_by'] input:value(Marie Dupont), div[name='qualirepar_intake_signed_by'] span:contains('Marie Dupont')",
        },
    ],
});
