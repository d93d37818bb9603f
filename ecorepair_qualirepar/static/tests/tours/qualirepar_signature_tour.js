import { registry } from "@web/core/registry";

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
        {
            content: "Hand the phone to the customer: the signature box of the intake slip",
            trigger: "div[name='qualirepar_intake_signature'] .o_signature_empty",
            run: "click",
        },
        {
            content: "The customer draws their signature with a finger",
            trigger: ".modal canvas.o_web_sign_signature",
            async run(helpers) {
                await helpers.drag_and_drop(".modal canvas.o_web_sign_signature", {
                    position: { top: 60, left: 200 },
                    relative: true,
                });
            },
        },
        {
            content: "Adopt the signature",
            trigger: ".modal .modal-footer .btn-primary:enabled",
            run: "click",
        },
        {
            content: "The signature is on the form",
            trigger: "body:not(:has(.modal)) div[name='qualirepar_intake_signature'] img.o_signature",
        },
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
