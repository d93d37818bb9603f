import { registry } from "@web/core/registry";
import { Component } from "@odoo/owl";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * A link as a finger-sized button, for the field terminal: the customer's place on the map (https:) or their
 * phone number (tel:). The button's label is the field's string (translated), its icon the ``icon`` option.
 * Nothing is shown without a link.
 */
export class LinkButtonField extends Component {
    static template = "ecorepair_qualirepar.LinkButtonField";
    static props = { ...standardFieldProps, label: String, icon: { type: String, optional: true } };

    get href() {
        return this.props.record.data[this.props.name] || "";
    }

    get external() {
        return this.href.startsWith("http");
    }
}

registry.category("fields").add("qualirepar_link_button", {
    component: LinkButtonField,
    supportedTypes: ["char"],
    extractProps: ({ options, string }, dynamicInfo) => ({ icon: options.icon, label: string }),
});
