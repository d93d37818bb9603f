import { registry } from "@web/core/registry";

// A colleague of the workshop opens the planning (the whole shop's, Everybody's calendars ticked) and finds
// Léa's on-site visit at Claire Petit's, with its technician and its distance.
registry.category("web_tour.tours").add("qualirepar_planning_tour", {
    steps: () => [
        {
            content: "The shop's planning: everybody's calendars",
            trigger: ".o_calendar_filter_item[data-value='all'] input:checked",
        },
        {
            content: "Slots are made from the repairs and the trainings, not here",
            trigger: ".o_control_panel:not(:has(.o-calendar-button-new))",
        },
        {
            content: "Léa's on-site visit at Claire Petit's is in this week",
            trigger: ".o_calendar_renderer .fc-event:contains('Claire Petit'):contains('27 km')",
            run: "click",
        },
        {
            content: "Its popover names the technician, the kind of slot and the distance",
            trigger: ".o_cw_popover:contains('Léa Martin'):contains('On-site visit'):contains('27')",
        },
        {
            content: "Open the repair from its slot",
            trigger: ".o_cw_popover a:contains('Repair Order')",
            run: "click",
        },
        {
            content: "The repair's form, for the same customer",
            trigger: ".o_form_view .o_field_widget[name='partner_id'] input:value('Claire Petit')",
        },
    ],
});

// The same on a 390 × 844 phone: the shop's slots of the day, the visit opened from its slot.
registry.category("web_tour.tours").add("qualirepar_planning_phone_tour", {
    steps: () => [
        {
            content: "Léa's on-site visit at Claire Petit's is in the shop's planning",
            trigger: ".o_calendar_renderer .fc-event:contains('Claire Petit'):contains('27 km')",
            run: "click",
        },
        {
            content: "Its technician and its distance",
            trigger: ".o_cw_popover:contains('Léa Martin'):contains('27'), .modal:contains('Léa Martin'):contains('27')",
        },
    ],
});
