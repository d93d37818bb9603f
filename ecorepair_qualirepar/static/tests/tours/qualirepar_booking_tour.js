/** @odoo-module **/
/* Online booking (★): a visitor without an account books an on-site visit on a phone; the workshop then finds
   the repair among its repairs. */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("qualirepar_booking_tour", {
    steps: () => [
        {
            content: "A visit at home",
            trigger: "#qualirepar_booking_form input#kind_onsite",
            run: "check",
        },
        {
            content: "The device",
            trigger: "select#product_id",
            run: "selectByLabel Lave-linge Serie 4",
        },
        {
            content: "The fault",
            trigger: "textarea#fault",
            run: "edit Le tambour ne tourne plus",
        },
        {
            content: "The first free slot",
            trigger: "select#slot",
            run: "selectByIndex 1",
        },
        {
            trigger: "input#name",
            run: "edit Julie Bernard",
        },
        {
            trigger: "input#mobile",
            run: "edit 06 11 22 33 44",
        },
        {
            trigger: "input#email",
            run: "edit julie.bernard@example.com",
        },
        {
            content: "Book without the address first",
            trigger: "input#consent",
            run: "check",
        },
        {
            trigger: "button#qualirepar_booking_submit",
            run: "click",
        },
        {
            content: "The missing address is told next to its field, what was typed is kept",
            trigger: ".invalid-feedback[data-field=street]",
        },
        {
            trigger: "input#name[value='Julie Bernard']",
        },
        {
            trigger: "input#street",
            run: "edit 12 avenue Jean Jaurès",
        },
        {
            trigger: "input#zip",
            run: "edit 69007",
        },
        {
            trigger: "input#city",
            run: "edit Lyon",
        },
        {
            content: "Book",
            trigger: "button#qualirepar_booking_submit",
            run: "click",
        },
        {
            content: "The booking is recorded",
            trigger: "#qualirepar_booking_done:contains(Our technician visits you)",
        },
    ],
});

registry.category("web_tour.tours").add("qualirepar_booking_staff_tour", {
    steps: () => [
        {
            content: "The booked repair is among the repairs",
            trigger: ".o_kanban_record:contains(Julie Bernard), .o_data_row:contains(Julie Bernard)",
            run: "click",
        },
        {
            content: "It says it was booked online",
            trigger: ".o_form_view .o_field_widget[name=qualirepar_booked_online] input:checked",
        },
        {
            content: "The customer created from the booking",
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run() {
                if (this.anchor.value !== "Julie Bernard") {
                    throw new Error(`The repair's customer is ${this.anchor.value}`);
                }
            },
        },
    ],
});
