import { registry } from "@web/core/registry";

/** On a phone the form's header buttons are in the gear menu of the control panel. */
function headerButton(name, content) {
    return [
        { content, trigger: ".o_cp_action_menus i.fa-cog", run: "click" },
        { trigger: `.o-dropdown--menu button[name='${name}']`, run: "click" },
        { content: "The menu has closed", trigger: "body:not(:has(.o-dropdown--menu))" },
    ];
}

/** On a phone: intake of a washing machine, check-in, start, check-out, end. */
registry.category("web_tour.tours").add("qualirepar_intake_tour", {
    steps: () => [
        {
            content: "Customer",
            trigger: "div[name='partner_id'] input",
            run: "click",
        },
        {
            content: "On a phone, the choice opens in a full-screen dialog",
            trigger: ".modal .o_kanban_record:contains('Marie Dupont'), .modal .o_data_row:contains('Marie Dupont')",
            run: "click",
        },
        {
            content: "Device",
            trigger: "div[name='product_id'] input",
            run: "click",
        },
        {
            content: "On a phone, the choice opens in a full-screen dialog",
            trigger: ".modal .o_kanban_record:contains('Lave-linge Serie 4'), .modal .o_data_row:contains('Lave-linge Serie 4')",
            run: "click",
        },
        {
            content: "The QualiRépar page is the first one",
            trigger: ".o_notebook .nav-link.active:contains('QualiRépar')",
        },
        {
            content: "Brand",
            trigger: "div[name='qualirepar_brand_id'] input",
            run: "click",
        },
        {
            content: "On a phone, the choice opens in a full-screen dialog",
            trigger: ".modal .o_kanban_record:contains('Bosch'), .modal .o_data_row:contains('Bosch')",
            run: "click",
        },
        {
            content: "Serial number, as read on the nameplate",
            trigger: "div[name='qualirepar_serial_number'] input",
            run: "edit FD 9912-0345",
        },
        {
            content: "The customer declares the device out of warranty",
            trigger: "div[name='qualirepar_out_of_warranty'] input",
            run: "click",
        },
        {
            content: "The consumer gives the GDPR consent",
            trigger: "div[name='qualirepar_consent_gdpr'] input",
            run: "click",
        },
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
        ...headerButton("action_validate", "Confirm the repair"),
        {
            content: "The repair is confirmed (the form has reloaded)",
            trigger: ".o_statusbar_status:has(button[aria-checked='true']:contains('Confirmed'))",
        },
        {
            content: "Open the check-in / check-out page",
            trigger: ".o_notebook .nav-link:contains('Check-in')",
            run: "click",
        },
        {
            content: "Check-in: the diagnostic procedure was followed (one card a point on a phone)",
            trigger: "div[name='qualirepar_checkin_point_ids'] .o_kanban_record:contains('diagnostic') div[name='value_yes_no'] .o_selection_badge:contains('Yes')",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
        ...headerButton("action_repair_start", "Start the repair"),
        {
            content: "The repair is under way",
            trigger: ".o_statusbar_status:has(button[aria-checked='true']:contains('Under Repair'))",
        },
        {
            content: "Check-out: insulation resistance measured",
            trigger: "div[name='qualirepar_checkout_point_ids'] .o_kanban_record:contains('Insulation') div[name='value_measure'] input",
            run: "edit 250",
        },
        {
            content: "Check-out: functional test passed",
            trigger: "div[name='qualirepar_checkout_point_ids'] .o_kanban_record:contains('Functional test') div[name='value_yes_no'] .o_selection_badge:contains('Yes')",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, the measure with it",
            trigger: ".o_form_saved div[name='qualirepar_checkout_point_ids'] .o_kanban_record:contains('Insulation') .badge:contains('Compliant')",
        },
        ...headerButton("action_repair_end", "End the repair"),
        {
            content: "The repair is finished",
            trigger: ".o_statusbar_status:has(button[aria-checked='true']:contains('Repaired'))",
        },
    ],
});
