import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("qualirepar_backend_tour", {
    steps: () => [
        {
            content: "Open the connection",
            trigger: ".o_data_row td:contains('ecosystem tour')",
            run: "click",
        },
        {
            content: "Test the connection",
            trigger: "button[name='action_test_connection']",
            run: "click",
        },
        {
            content: "The repairer account is named in the success message",
            trigger: ".o_notification:contains('2000123')",
        },
        {
            content: "Synchronise the reference data",
            trigger: "button[name='action_sync_reference_data']",
            run: "click",
        },
        {
            content: "The form shows the synchronised product types",
            trigger: "button[name='action_view_product_types'] .o_stat_value:contains('24')",
        },
        {
            trigger: "button[name='action_view_product_types']",
            run: "click",
        },
        {
            content: "The laptop has today's bonus of the 2024 scale and its threshold",
            trigger: ".o_data_row:contains('Ordinateur portable'):contains('50.00'):contains('150.00')",
        },
    ],
});
