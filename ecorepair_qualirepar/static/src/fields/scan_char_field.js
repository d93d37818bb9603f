import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { CharField, charField } from "@web/views/fields/char/char_field";
import { scanBarcode } from "@web/core/barcode/barcode_dialog";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";

/**
 * A text field with a camera button: on a phone, the serial number or IMEI is read from the
 * nameplate's barcode with Odoo's own scanner instead of being typed.
 */
export class ScanCharField extends CharField {
    static template = "ecorepair_qualirepar.ScanCharField";

    setup() {
        super.setup();
        this.canScan = isBarcodeScannerSupported();
        // Owl translates a template's title, not its aria-label: the label of screen readers is given here.
        this.scanLabel = _t("Scan with the camera");
    }

    async onScan() {
        const code = await scanBarcode(this.env);
        if (code) {
            await this.props.record.update({ [this.props.name]: code });
        }
    }
}

registry.category("fields").add("qualirepar_scan", { ...charField, component: ScanCharField });
