import { registry } from "@web/core/registry";
import { badgeSelectionField } from "@web/views/fields/badge_selection/badge_selection_field";
import { floatField } from "@web/views/fields/float/float_field";
import { textField } from "@web/views/fields/text/text_field";

/**
 * The answer fields of a control point's card (check-in / check-out on a phone). A kanban card shows its
 * fields read-only; these are answered on the card itself, in one tap, unless the view makes them read-only
 * (the repair is finished or cancelled: ``readonly="parent.state in (...)"``).
 */
function answeredOnTheCard(field) {
    return {
        ...field,
        extractProps: (fieldInfo, dynamicInfo) => ({
            ...field.extractProps(fieldInfo, dynamicInfo),
            readonly: dynamicInfo.readonly,
        }),
    };
}

const fields = registry.category("fields");
fields.add("qualirepar_answer_yes_no", answeredOnTheCard(badgeSelectionField));
fields.add("qualirepar_answer_measure", answeredOnTheCard(floatField));
fields.add("qualirepar_answer_text", answeredOnTheCard(textField));
