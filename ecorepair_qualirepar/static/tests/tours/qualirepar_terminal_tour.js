import { registry } from "@web/core/registry";

import { customerSigns } from "./qualirepar_intake_steps";

const CARD = ".o_qualirepar_terminal .o_kanban_record:not(.o_kanban_ghost)";
const CHECKIN = "div[name='qualirepar_checkin_point_ids'] .o_kanban_record";
const CHECKOUT = "div[name='qualirepar_checkout_point_ids'] .o_kanban_record";

/** A technician's day on a phone: today's visits in order, the first one from arrival to the signature. */
registry.category("web_tour.tours").add("qualirepar_terminal_tour", {
    steps: () => [
        {
            content: "My day: the morning's visit first",
            trigger: `${CARD}:first:contains('09:00'):contains('Marie Dupont')`,
        },
        {
            content: "Then the afternoon's",
            trigger: `${CARD}:last:contains('14:00'):contains('Julien Martin')`,
        },
        {
            content: "Only today's visits of this technician",
            trigger: ".o_qualirepar_terminal:not(:has(.o_kanban_record:contains('Demain'))):not(:has(.o_kanban_record:contains('Collègue')))",
        },
        {
            content: "The customer's place on the map, one tap",
            trigger: `${CARD}:first a.o_qualirepar_link_button[href='https://www.openstreetmap.org/search?query=3+rue+des+Lilas%2C+69003+Lyon']`,
        },
        {
            content: "The customer's phone, one tap",
            trigger: `${CARD}:first a.o_qualirepar_link_button[href='tel:0612345678']`,
        },
        {
            content: "What to bring: the part, reserved in stock",
            trigger: `${CARD}:first .o_qualirepar_to_bring:contains('Joint de hublot'):contains('Reserved')`,
        },
        {
            content: "Open the visit",
            trigger: `${CARD}:first .o_qualirepar_visit_customer`,
            run: "click",
        },
        {
            content: "The visit's own page: the device and the check-in first",
            trigger: ".o_qualirepar_terminal_form div[name='product_id']:contains('Lave-linge Serie 4')",
        },
        {
            content: "Check-in: the diagnostic procedure was followed, one tap on Yes",
            trigger: `${CHECKIN}:contains('diagnostic') div[name='value_yes_no'] .o_selection_badge:contains('Yes')`,
            run: "click",
        },
        {
            trigger: `${CHECKIN}:contains('diagnostic') .o_selection_badge.active:contains('Yes')`,
        },
        {
            content: "Start the repair: a big button under the check-in",
            trigger: "button[name='action_repair_start'].o_qualirepar_terminal_step",
            run: "click",
        },
        {
            content: "The repair is under way",
            trigger: ".o_qualirepar_terminal_form div[name='state']:contains('Under Repair')",
        },
        {
            content: "The part is among the parts used",
            trigger: "div[name='move_ids'] .o_data_row:contains('Joint de hublot')",
        },
        {
            content: "Check-out: the insulation resistance measured",
            trigger: `${CHECKOUT}:contains('Insulation resistance') div[name='value_measure'] input`,
            run: "edit 2",
        },
        {
            content: "The functional test passed",
            trigger: `${CHECKOUT}:contains('Functional test') div[name='value_yes_no'] .o_selection_badge:contains('Yes')`,
            run: "click",
        },
        {
            trigger: `${CHECKOUT}:contains('Functional test') .o_selection_badge.active:contains('Yes')`,
        },
        {
            content: "Close the repair on site",
            trigger: "button[name='action_repair_end'].o_qualirepar_terminal_step",
            run: "click",
        },
        {
            content: "Repaired",
            trigger: ".o_qualirepar_terminal_form div[name='state']:contains('Repaired')",
        },
        ...customerSigns("qualirepar_handback_signature", "Hand the phone to the customer: the signature box"),
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: signed by the customer, stamped by the server",
            trigger: ".o_form_saved div[name='qualirepar_handback_signed_on']:not(:empty)",
        },
        {
            content: "Back to the day",
            trigger: ".o_back_button, .breadcrumb-item a",
            run: "click",
        },
        {
            content: "The visit is repaired in the day",
            trigger: `${CARD}:first:contains('Marie Dupont') div[name='state']:contains('Repaired')`,
        },
    ],
});
