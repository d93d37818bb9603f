import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { FileInput } from "@web/core/file_input/file_input";
import { FileUploader } from "@web/views/fields/file_handler";
import { ImageField, imageField } from "@web/views/fields/image/image_field";
import {
    Many2ManyBinaryField,
    many2ManyBinaryField,
} from "@web/views/fields/many2many_binary/many2many_binary_field";

/**
 * Photos taken at the counter: on a phone, one tap opens the camera (the file input's ``capture``
 * attribute; a desktop browser ignores it and opens the file chooser), and what was taken shows as
 * thumbnails, never as file names.
 */
export class CaptureFileInput extends FileInput {
    static template = "ecorepair_qualirepar.CaptureFileInput";
}

export class CaptureFileUploader extends FileUploader {
    static template = "ecorepair_qualirepar.CaptureFileUploader";
}

/** An image field (the nameplate photo) with a large camera button instead of the small pencil. */
export class PhotoField extends ImageField {
    static template = "ecorepair_qualirepar.PhotoField";
    static components = { ...ImageField.components, FileUploader: CaptureFileUploader };

    get hasPhoto() {
        return Boolean(this.props.record.data[this.props.name]);
    }
}

registry.category("fields").add("qualirepar_photo", { ...imageField, component: PhotoField });

/** Photos of the device (attachments) as thumbnails, added from the camera in one tap. */
export class PhotoGalleryField extends Many2ManyBinaryField {
    static template = "ecorepair_qualirepar.PhotoGalleryField";
    static components = { ...Many2ManyBinaryField.components, FileInput: CaptureFileInput };

    get uploadText() {
        return _t("Take a photo");
    }

    getThumbnailUrl(file) {
        return `/web/image/${file.id}/256x256`;
    }

    getPreviewUrl(file) {
        return `/web/image/${file.id}`;
    }
}

registry.category("fields").add("qualirepar_photos", {
    ...many2ManyBinaryField,
    component: PhotoGalleryField,
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...many2ManyBinaryField.extractProps(fieldInfo, dynamicInfo),
        acceptedFileExtensions: fieldInfo.options.accepted_file_extensions || "image/*",
    }),
});
