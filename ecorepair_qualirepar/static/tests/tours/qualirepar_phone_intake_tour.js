import { registry } from "@web/core/registry";

import { headerButton, intakeSteps } from "./qualirepar_intake_steps";

// A 1 × 1 PNG: the photo the phone's camera would give.
const PHOTO = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** The guided intake of a washing machine on a phone, then its check-in on cards. */
registry.category("web_tour.tours").add("qualirepar_phone_intake_tour", {
    steps: () => [
        ...intakeSteps({
            device: "Serie 6 Atelier",
            serial: "FD9904-012345",
            afterDevice: [
                {
                    content: "The brand comes from the product's name",
                    trigger: "div[name='qualirepar_brand_id'] input:value(Bosch)",
                },
                {
                    content: "A washing machine has no IMEI: the field is not offered",
                    trigger: ".o_form_sheet:has(div[name='qualirepar_serial_number']):not(:has(div[name='qualirepar_imei']))",
                },
                {
                    content: "The camera button is inside the serial number's field, on its right",
                    trigger: "div[name='qualirepar_serial_number'] button.o_qualirepar_scan",
                    run() {
                        const input = document.querySelector("div[name='qualirepar_serial_number'] input");
                        const field = input.getBoundingClientRect();
                        const button = this.anchor.getBoundingClientRect();
                        const visible = getComputedStyle(this.anchor.parentElement).visibility === "visible";
                        if (!visible || button.top < field.top - 2 || button.bottom > field.bottom + 2
                                || button.right > field.right + 2 || button.left < field.left) {
                            throw new Error(`The scan button is not in the field: field ${JSON.stringify(field)}, `
                                + `button ${JSON.stringify(button)}, visible ${visible}`);
                        }
                    },
                },
            ],
            beforeConsent: [
                {
                    content: "The fault as the customer tells it",
                    trigger: "div[name='qualirepar_fault_description'] textarea",
                    run: "edit Ne vidange plus",
                },
            ],
            beforeDecision: [
                {
                    content: "One tap opens the camera: a photo of the device's condition",
                    trigger: "div[name='qualirepar_device_photo_ids'] .o_qualirepar_take_photo",
                    async run() {
                        // The button opens the file input that asks the phone for its camera.
                        const input = this.anchor.closest(".o_file_input").querySelector("input[type='file']");
                        if (input.getAttribute("capture") !== "environment" || !input.accept.includes("image/")) {
                            throw new Error("The photo input does not open the camera");
                        }
                        const blob = await (await fetch(`data:image/png;base64,${PHOTO}`)).blob();
                        const transfer = new DataTransfer();
                        transfer.items.add(new File([blob], "etat.png", { type: "image/png" }));
                        input.files = transfer.files;
                        input.dispatchEvent(new Event("change", { bubbles: true }));
                    },
                },
                {
                    content: "The photo shows as a thumbnail",
                    trigger: "div[name='qualirepar_device_photo_ids'] img.o_qualirepar_thumbnail[src*='/web/image/']",
                },
                {
                    content: "The nameplate photo is taken with a large camera button too",
                    trigger: "div[name='qualirepar_nameplate_photo'] .o_qualirepar_take_photo",
                },
            ],
        }),
        {
            content: "Open the check-in / check-out page",
            trigger: ".o_notebook .nav-link:contains('Check-in')",
            run: "click",
        },
        {
            content: "Each point on its card, its name in full",
            trigger: "div[name='qualirepar_checkin_point_ids'] .o_kanban_record:contains('Written diagnostic procedure followed')",
        },
        {
            content: "A measurement's card tells its compliant values",
            trigger: "div[name='qualirepar_checkout_point_ids'] .o_kanban_record:contains('Insulation resistance'):contains('at least 1 MΩ')",
        },
        {
            content: "Check-in: the diagnostic procedure was followed, one tap on Yes",
            trigger: "div[name='qualirepar_checkin_point_ids'] .o_kanban_record:contains('diagnostic') div[name='value_yes_no'] .o_selection_badge:contains('Yes')",
            run: "click",
        },
        {
            trigger: "div[name='qualirepar_checkin_point_ids'] .o_kanban_record:contains('diagnostic') .o_selection_badge.active:contains('Yes')",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, the answer with it",
            trigger: ".o_form_saved div[name='qualirepar_checkin_point_ids'] .o_kanban_record:contains('diagnostic') .badge:contains('Compliant')",
        },
        ...headerButton("action_validate", "Confirm the repair"),
        {
            content: "The repair is confirmed (the form has reloaded)",
            trigger: ".o_statusbar_status:has(button[aria-checked='true']:contains('Confirmed'))",
        },
        ...headerButton("action_repair_start", "Start the repair"),
        {
            content: "The repair is under way",
            trigger: ".o_statusbar_status:has(button[aria-checked='true']:contains('Under Repair'))",
        },
    ],
});
