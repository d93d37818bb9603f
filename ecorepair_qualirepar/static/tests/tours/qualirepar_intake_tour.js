import { registry } from "@web/core/registry";

import { headerButton, intakeSteps, pickInDialog } from "./qualirepar_intake_steps";

/** On a phone: intake of a washing machine, check-in, start, check-out, end. */
registry.category("web_tour.tours").add("qualirepar_intake_tour", {
    steps: () => [
        ...intakeSteps({
            device: "Lave-linge Serie 4",
            serial: "FD 9912-0345",
            afterDevice: pickInDialog("qualirepar_brand_id", "Bosch", "Brand"),
        }),
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
