/** Steps shared by the tours on a phone (intake, phone intake, signature, field terminal). */

/** On a phone the form's header buttons are in the gear menu of the control panel. */
export function headerButton(name, content) {
    return [
        { content, trigger: ".o_cp_action_menus i.fa-cog", run: "click" },
        { trigger: `.o-dropdown--menu button[name='${name}']`, run: "click" },
        { content: "The menu has closed", trigger: "body:not(:has(.o-dropdown--menu))" },
    ];
}

/** A many2one chosen on a phone: the choice opens in a full-screen dialog. */
export function pickInDialog(field, record, content) {
    return [
        { content, trigger: `div[name='${field}'] input`, run: "click" },
        {
            content: "On a phone, the choice opens in a full-screen dialog",
            trigger: `.modal .o_kanban_record:contains('${record}'), .modal .o_data_row:contains('${record}')`,
            run: "click",
        },
    ];
}

/**
 * The intake of a washing machine out of warranty on a phone, from a new repair to the bonus of today's scale:
 * the customer, the device, its serial number, the GDPR consent, repaired free of charge, saved, eligible.
 * What a tour checks on the way is given as steps: `afterDevice` once the device is chosen, `beforeConsent`
 * before the consent, `beforeDecision` before the shop's decision.
 */
export function intakeSteps({ device, serial, afterDevice = [], beforeConsent = [], beforeDecision = [] }) {
    return [
        {
            content: "The intake page (QualiRépar) is the first page of the repair",
            trigger: ".o_notebook .nav-item:first-child .nav-link.active:contains('QualiRépar')",
        },
        ...pickInDialog("partner_id", "Marie Dupont", "Customer"),
        ...pickInDialog("product_id", device, "Device"),
        ...afterDevice,
        {
            content: "Serial number, as read on the nameplate",
            trigger: "div[name='qualirepar_serial_number'] input",
            run: `edit ${serial}`,
        },
        {
            content: "The customer declares the device out of warranty",
            trigger: "div[name='qualirepar_out_of_warranty'] input",
            run: "click",
        },
        ...beforeConsent,
        {
            content: "The consumer gives the GDPR consent",
            trigger: "div[name='qualirepar_consent_gdpr'] input",
            run: "click",
        },
        ...beforeDecision,
        {
            content: "The shop repairs it free of charge",
            trigger: "div[name='qualirepar_decision'] .o_selection_badge:contains('Free of charge')",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Eligible, with the bonus of today's scale",
            trigger: ".alert-success:contains('Eligible for the bonus'):contains('50.00')",
        },
    ];
}

/** The customer signs the signature field ``field`` with a finger, until the signature shows on the form. */
export function customerSigns(field, content) {
    return [
        { content, trigger: `div[name='${field}'] .o_signature_empty`, run: "click" },
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
        { content: "Adopt the signature", trigger: ".modal .modal-footer .btn-primary:enabled", run: "click" },
        {
            content: "The signature is on the form",
            trigger: `body:not(:has(.modal)) div[name='${field}'] img.o_signature`,
        },
    ];
}
