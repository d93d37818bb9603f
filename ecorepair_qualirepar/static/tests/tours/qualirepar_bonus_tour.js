import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("qualirepar_bonus_tour", {
    steps: () => [
        {
            content: "Make the repair's quote",
            trigger: ".o_form_view button[name='action_create_sale_order']",
            run: "click",
        },
        {
            content: "Add the labour",
            trigger: ".o_field_x2many_list_row_add a:first",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name='product_template_id'] input",
            run: "edit Forfait réparation",
        },
        {
            trigger: ".ui-autocomplete a:contains(\"Forfait réparation lave-linge\")",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name='price_unit'] input",
            run: "edit 100",
        },
        {
            content: "Save the quote",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The quote's totals are the full price incl. VAT, no bonus line",
            trigger: ".o_form_view div[name='tax_totals']:contains('120.00'):not(:contains('-50.00'))",
        },
        {
            content: "The bonus is shown deducted from the price incl. VAT, with the net to pay",
            trigger: ".alert-success:contains('Bonus réparation of'):contains('50.00'):contains('70.00')",
        },
        {
            content: "Confirm the quote",
            trigger: "button[name='action_confirm']:enabled",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Sales Order')",
        },
        {
            content: "Invoice it",
            trigger: "button#create_invoice",
            run: "click",
        },
        {
            trigger: ".modal button[name='create_invoices']",
            run: "click",
        },
        {
            content: "The draft invoice is the full price, the bonus shown deducted",
            trigger: ".o_form_view .alert-success:contains('Bonus réparation of'):contains('50.00'):contains('70.00')",
        },
        {
            trigger: ".o_form_view div[name='tax_totals']:contains('120.00')",
        },
        {
            content: "Post the invoice",
            trigger: ".o_form_view button[name='action_post']",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
        {
            content: "A bonus claim is opened on ecosystem",
            trigger: ".oe_stat_button:contains('Bonus claims') .o_stat_value:contains('1')",
        },
        {
            content: "Open the eco-organisms' ledger",
            trigger: ".o_main_navbar",
            run() {
                window.location.href = "/odoo/action-ecorepair_qualirepar.action_qualirepar_organisms_ledger";
            },
        },
        {
            content: "ecosystem owes the bonus",
            trigger: ".o_group_header:contains('ecosystem'):contains('50.00')",
        },
        {
            content: "Open the customers' ledger",
            trigger: ".o_main_navbar",
            run() {
                window.location.href = "/odoo/action-account.action_account_moves_ledger_partner";
            },
        },
        {
            content: "Show the matched items too: the organism's part of the payment of the invoice",
            trigger: ".o_searchview_facet:contains('With residual') .o_facet_remove",
            run: "click",
        },
        {
            content: "The customer owes the price minus the bonus",
            trigger: ".o_group_header:contains('Marie Dupont'):contains('70.00')",
        },
    ],
});
