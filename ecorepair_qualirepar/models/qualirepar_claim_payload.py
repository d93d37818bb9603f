from odoo import fields, models

ECOLOGIC_FRANCE = 250  # Ecologic's country code of France


def split_name(partner):
    """(first name, last name) of a person's display name "First Last"."""
    first, _sep, last = (partner.name or "").strip().partition(" ")
    return (first, last) if last else ("", first)


class QualireparClaim(models.Model):
    """What each organism's API is sent for a claim (spec §1.4 and §2.5)."""

    _inherit = "qualirepar.claim"

    def _qualirepar_amounts(self):
        """Labour, parts and travel excl. VAT, totals before the bonus, from the invoice lines of the repair."""
        lines = self.invoice_id.invoice_line_ids.filtered(
            lambda l: l.display_type == "product" and not l.qualirepar_is_bonus)
        by_kind = {}
        for line in lines:
            kind = line.product_id.qualirepar_line_kind or "labour"
            by_kind[kind] = by_kind.get(kind, 0.0) + line.price_subtotal
        return {
            "labour": by_kind.get("labour", 0.0), "parts": by_kind.get("part", 0.0),
            "travel": by_kind.get("travel", 0.0), "untaxed": sum(lines.mapped("price_subtotal")),
            "total": sum(lines.mapped("price_total")), "parts_lines": lines.filtered("qualirepar_part_origin"),
        }

    def _qualirepar_repair_date(self):
        return fields.Date.to_date(self.repair_id.qualirepar_done_date) or self.invoice_date

    def _qualirepar_claim_data(self):
        """What the organism's client makes the claim from (its ``make_claim``), or corrects it with: the method
        ``_qualirepar_claim_data_<organism>``."""
        self.ensure_one()
        return getattr(self, f"_qualirepar_claim_data_{self.organism}")()

    def _qualirepar_claim_data_ecosystem(self):
        """The keyword arguments of ecosystem's ``new_claim``."""
        return {"payload": self._qualirepar_ecosystem_payload()}

    def _qualirepar_claim_data_ecologic(self):
        """The keyword arguments of Ecologic's ``create_claim`` and ``update_claim``."""
        return dict(self._qualirepar_ecologic_params(), body=self._qualirepar_ecologic_body())

    def _qualirepar_ecosystem_payload(self):
        """ecosystem's NewClaim body."""
        self.ensure_one()
        repair, customer, backend = self.repair_id, self.invoice_id.partner_id, self.backend_id
        amounts = self._qualirepar_amounts()
        first, last = split_name(customer)
        parts = amounts["parts_lines"]
        count = lambda origin: sum(parts.filtered(lambda l: l.qualirepar_part_origin == origin).mapped("quantity"))  # noqa: E731
        money = lambda amount: {"amount": round(amount, 2), "currency": self.currency_id.name}  # noqa: E731
        return {
            "RepairDate": fields.Date.to_string(self._qualirepar_repair_date()),
            "PurchaseOrderByCustomer": self._qualirepar_reference(),
            "RepairerId": backend.repairer_identifier,
            "RepairPlaceID": backend.repairer_identifier,
            "Product": {
                "ProductID": repair.qualirepar_product_type_id.code,
                "BrandID": repair.qualirepar_brand_id.code,
                "ProductIdentificationNumber": repair.qualirepar_imei or repair.qualirepar_serial_number,
                "RepairTypeCode": repair.qualirepar_repair_code_id.code or None,
                "IrisCode": repair.qualirepar_iris_code_id.code or None,
                "CommercialReference": repair.product_id.default_code or repair.product_id.name,
                "PartnerProduct": "",
            },
            # Counts of parts, as the public clients send them (spec §1.4); the PIEC key's name is unsettled.
            "SpareParts": {"NewSparePartsAmount": count("new"), "SecondHandSparePartsAmount": count("used"),
                           "PiecSparePartsAmount": count("piec")},
            "Customer": {
                "Title": "", "LastName": last, "FirstName": first, "Email": customer.email or "",
                "PhoneNumber": customer.mobile or customer.phone or "", "StreetLine1": customer.street or "",
                "PostalCode": customer.zip or "", "City": customer.city or "",
                "Country": customer.country_id.code or "FR",
            },
            "Bill": {
                "SparePartsCost": money(amounts["parts"]),
                "TotalAmountInclVAT": money(amounts["total"]),
                "AmountCovered": money(self.amount),
            },
        }

    def _qualirepar_ecologic_body(self):
        """Ecologic's ClaimBody."""
        self.ensure_one()
        repair, customer = self.repair_id, self.invoice_id.partner_id
        amounts = self._qualirepar_amounts()
        first, last = split_name(customer)
        money = lambda amount: {"Amount": round(amount, 2), "Currency": self.currency_id.name}  # noqa: E731
        return {
            "Consumer": {
                "Title": 3, "LastName": last, "FirstName": first, "StreetNumber": "",
                "Address1": customer.street or "", "Address2": customer.street2 or "", "Address3": "",
                "Zip": customer.zip or "", "City": customer.city or "", "Country": ECOLOGIC_FRANCE,
                "Phone": customer.mobile or customer.phone or "", "Email": customer.email or "",
                "AutoValidation": False,
            },
            "Product": {
                "ProductId": repair.qualirepar_product_type_id.code, "BrandId": repair.qualirepar_brand_id.code,
                "CommercialRef": repair.product_id.default_code or repair.product_id.name,
                "SerialNumber": repair.qualirepar_imei or repair.qualirepar_serial_number,
                "PurchaseDate": fields.Date.to_string(repair.qualirepar_purchase_date) or None,
                "IRISSymptom": repair.qualirepar_iris_code_id.code or None,
                "IRISSection": repair.qualirepar_repair_code_id.code or None,
                "FailureDescription": repair.qualirepar_fault_description or "",
            },
            "Quote": {
                "LaborCost": money(amounts["labour"]), "SparePartsCost": money(amounts["parts"]),
                "TravelCost": money(amounts["travel"]), "TotalAmountExclVAT": money(amounts["untaxed"]),
                "TotalAmountInclVAT": money(amounts["total"]), "SupportAmount": money(self.amount),
            },
            "SpareParts": [{"Partref": line.product_id.default_code or line.product_id.name,
                            "Quantity": line.quantity, "Status": (line.qualirepar_part_origin or "new").upper()}
                           for line in amounts["parts_lines"]],
        }

    def _qualirepar_ecologic_params(self):
        """The query parameters of Ecologic's createclaim/updateclaim."""
        site = self.env["qualirepar.repair.site"].search(
            [("backend_id", "=", self.backend_id.id), ("kind", "=", "repair")], limit=1)
        return {
            "repair_end_date": self._qualirepar_repair_date(), "repair_site_id": site.code,
            "invoice_number": self.invoice_id.name, "quote_number": self._qualirepar_reference(),
        }
