"""Reference-data synchronisation of a connection: idempotent, archives what vanished, deletes nothing."""

from odoo import Command, api, fields, models
from odoo.tools import float_compare

ECOSYSTEM_HANDLER = {True: "ecosystem", False: "ecologic"}


def _api_date(value):
    """A date from the APIs ('2024-01-01', '2024-01-01T00:00:00+01:00', '' or None)."""
    return fields.Date.to_date(value[:10]) if value else False


def _api_number(value):
    """A number from the APIs, where ecosystem sends strings ('50.00', '50,00')."""
    if value in (None, ""):
        return 0.0
    return float(str(value).replace(",", ".").strip())


def _api_text(value):
    return str(value).strip() if value not in (None, "") else False


class QualireparBackend(models.Model):
    _inherit = "qualirepar.backend"

    # ------------------------------------------------------------------
    # Generic, idempotent upsert
    # ------------------------------------------------------------------
    @api.model
    def _same_value(self, record, fname, value):
        field = record._fields[fname]
        current = record[fname]
        if field.type in ("many2many", "one2many"):
            return set(current.ids) == set(value)
        if field.type == "many2one":
            return current.id == (value or False)
        if field.type in ("float", "monetary"):
            return float_compare(current, value or 0.0, precision_digits=6) == 0
        return (current or False) == (value or False)

    @api.model
    def _sync_model(self, model_name, domain, key_fields, rows):
        """Make the records of ``model_name`` matching ``domain`` reflect ``rows``.

        Each row is a dict of values; ``key_fields`` identify a record. Missing records are created,
        changed fields only are written, records absent from ``rows`` are archived (never deleted, so
        that whatever refers to them keeps working). Returns ``{key: record}`` for every row.
        """
        Model = self.env[model_name].with_context(active_test=False)
        fnames = {fname for row in rows for fname in row} | set(key_fields) | {"active"}
        relational = [f for f in fnames if Model._fields[f].type in ("many2many", "one2many")]

        def key_of(record):
            return tuple(record[f].id if Model._fields[f].type == "many2one" else record[f] for f in key_fields)

        def to_write(vals):
            return {f: [Command.set(v)] if f in relational else v for f, v in vals.items()}

        existing = Model.search_fetch(domain, list(fnames))
        by_key = {key_of(record): record for record in existing}
        result, to_create, seen_ids = {}, [], set()
        for row in rows:
            key = tuple(row[f] for f in key_fields)
            record = by_key.get(key)
            if record is None:
                to_create.append(row)
                continue
            seen_ids.add(record.id)
            result[key] = record
            changes = {f: v for f, v in row.items() if not self._same_value(record, f, v)}
            if not record.active:
                changes["active"] = True
            if changes:
                record.write(to_write(changes))
        stale = existing.filtered(lambda r: r.active and r.id not in seen_ids)
        if stale:
            stale.write({"active": False})
        if to_create:
            for record in Model.create([to_write(row) for row in to_create]):
                result[key_of(record)] = record
        return result

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------
    def _sync_reference_data(self):
        """Fetch the organism's reference data and store it. Raises ApiError when the API fails."""
        self.ensure_one()
        client = self._get_client()
        if self.organism == "ecosystem":
            self._sync_ecosystem(client)
        else:
            self._sync_ecologic(client)
        self.write({"last_sync_date": fields.Datetime.now(), **({"last_sync_error": False} if self.last_sync_error else {})})

    def _currency_id(self, name):
        currency = self.env["res.currency"].with_context(active_test=False).search([("name", "=", name or "EUR")], limit=1)
        return currency.id or self.env.ref("base.EUR").id

    def _sync_product_types(self, type_rows, code_rows_of):
        """Upsert product types, then their repair / IRIS codes (``code_rows_of(type) -> rows``)."""
        types = self._sync_model("qualirepar.product.type", [("backend_id", "=", self.id)], ("backend_id", "code"), type_rows)
        all_type_ids = self.env["qualirepar.product.type"].with_context(active_test=False)._search(
            [("backend_id", "=", self.id)])
        code_rows = [row for (_backend, code), ptype in types.items() for row in code_rows_of(code, ptype)]
        self._sync_model("qualirepar.repair.code", [("product_type_id", "in", all_type_ids)],
                         ("product_type_id", "kind", "code"), code_rows)
        return types, all_type_ids

    def _sync_sites(self, rows):
        self._sync_model("qualirepar.repair.site", [("backend_id", "=", self.id)], ("backend_id", "kind", "code"), rows)

    # ------------------------------------------------------------------
    # ecosystem: /catalog and /partners
    # ------------------------------------------------------------------
    def _sync_ecosystem(self, client):
        catalog = client.get_catalog()
        partners = client.get_partners()
        fiches = {
            fiche.ecosystem_sheet_type: fiche.id
            for fiche in self.env["qualirepar.fiche.metier"].with_context(active_test=False).search([])
            if fiche.ecosystem_sheet_type
        }
        brand_rows = {}
        for product in catalog:
            for brand in product.get("Brands") or []:
                code = str(brand["BrandID"])
                brand_rows[code] = {
                    "backend_id": self.id,
                    "code": code,
                    "name": _api_text(brand.get("BrandName")) or code,
                    "handled_by": ECOSYSTEM_HANDLER[bool(brand.get("isEcosystemBrand", True))],
                }
        brands = self._sync_model("qualirepar.brand", [("backend_id", "=", self.id)], ("backend_id", "code"),
                                  list(brand_rows.values()))
        by_code = {product["ProductID"]: product for product in catalog}
        type_rows = []
        for code, product in by_code.items():
            sheet_type = str((product.get("ProductSheet") or {}).get("Type") or "")
            row = {
                "backend_id": self.id,
                "code": code,
                "name": _api_text(product.get("ProductName")) or code,
                "eligible_from": _api_date(product.get("ProductEligibleFrom")),
                "eligible_until": _api_date(product.get("ProductEligibleUntil")),
                "brand_ids": sorted(brands[(self.id, str(b["BrandID"]))].id for b in product.get("Brands") or []),
            }
            if sheet_type in fiches:
                row["fiche_metier_id"] = fiches[sheet_type]
            type_rows.append(row)

        def code_rows_of(code, ptype):
            return [
                {"product_type_id": ptype.id, "kind": "repair", "code": str(rc["Code"]),
                 "name": _api_text(rc.get("Description")) or str(rc["Code"])}
                for rc in by_code[code].get("RepairCode") or []
            ]

        types, all_type_ids = self._sync_product_types(type_rows, code_rows_of)
        amount_rows, threshold_rows = [], []
        for code, ptype in ((code, ptype) for (_b, code), ptype in types.items()):
            for amount in by_code[code].get("Amounts") or []:
                amount_rows.append({
                    "product_type_id": ptype.id,
                    "date_from": _api_date(amount.get("AmountValidFrom")),
                    "date_to": _api_date(amount.get("AmountValidUntil")),
                    "amount": _api_number(amount.get("Amount")),
                    "currency_id": self._currency_id(amount.get("Currency")),
                })
            for threshold in by_code[code].get("Threshold") or []:
                threshold_rows.append({
                    "product_type_id": ptype.id,
                    "date_from": _api_date(threshold.get("AmountValidFrom")),
                    "date_to": _api_date(threshold.get("AmountValidTo") or threshold.get("AmountValidUntil")),
                    "minimum_amount": _api_number(threshold.get("MinimumAmount")),
                    "currency_id": self._currency_id(threshold.get("Currency")),
                })
        for model, rows in (("qualirepar.bonus.amount", amount_rows), ("qualirepar.bonus.threshold", threshold_rows)):
            self._sync_model(model, [("product_type_id", "in", all_type_ids)], ("product_type_id", "date_from"), rows)

        partner = next((p for p in partners if str(p.get("RepairerID")) == (self.repairer_identifier or "")),
                       partners[0] if partners else {})
        if partner and not self.repairer_identifier:
            self.repairer_identifier = str(partner["RepairerID"])
        self._sync_sites([
            {
                "backend_id": self.id,
                "kind": "repair",
                "code": str(place["RepairPlaceID"]),
                "name": _api_text(place.get("CorporateName") or place.get("AlternativeName")) or str(place["RepairPlaceID"]),
                "street": _api_text(" ".join(filter(None, (place.get("HouseNumber"), place.get("StreetLine1"))))),
                "street2": _api_text(place.get("StreetLine2")),
                "zip": _api_text(place.get("PostalCode")),
                "city": _api_text(place.get("City")),
                "siret": _api_text(place.get("Siret")),
            }
            for place in partner.get("RepairPlaces") or []
        ])
        self._sync_model("qualirepar.business.sheet", [("backend_id", "=", self.id)], ("backend_id", "sheet_type"), [
            {
                "backend_id": self.id,
                "sheet_type": str(sheet["Type"]),
                "fiche_metier_id": fiches.get(str(sheet["Type"]), False),
                "number_id": _api_text(sheet.get("NumberId")),
                "name": _api_text(sheet.get("Description")),
                "institution": _api_text(sheet.get("Institution")),
                "valid_from": _api_date(sheet.get("ValidFrom")),
                "valid_to": _api_date(sheet.get("ValidTo")),
            }
            for sheet in partner.get("BusinessSheets") or []
        ])

    # ------------------------------------------------------------------
    # Ecologic: printbrandlist, printproducttypewithlabellist, getrepairsitesbyats
    # ------------------------------------------------------------------
    def _sync_ecologic(self, client):
        brands = client.get_brands()
        product_types = client.get_product_types(with_labels=True)
        sites = client.get_repair_sites()
        self._sync_model("qualirepar.brand", [("backend_id", "=", self.id)], ("backend_id", "code"), [
            {"backend_id": self.id, "code": str(b["BrandId"]), "name": _api_text(b.get("BrandName")) or str(b["BrandId"]),
             "handled_by": "ecologic"}
            for b in brands
        ])
        by_code = {product["ProductId"]: product for product in product_types}
        type_rows = [
            {
                "backend_id": self.id,
                "code": code,
                "name": _api_text(product.get("ProductName")) or code,
                "eligible_from": _api_date(product.get("EligibilityStartDate")),
                "eligible_until": _api_date(product.get("EligibilityEndDate")),
            }
            for code, product in by_code.items()
        ]

        def code_rows_of(code, ptype):
            product = by_code[code]
            return [
                {"product_type_id": ptype.id, "kind": kind, "code": item["code"], "name": item.get("label") or item["code"]}
                for kind, key in (("repair", "RepairCodes"), ("iris", "IRISSymptoms"))
                for item in product.get(key) or []
            ]

        self._sync_product_types(type_rows, code_rows_of)
        self._sync_sites([
            {"backend_id": self.id, "kind": "repair", "code": str(site["SiteId"]),
             "name": _api_text(site.get("CommercialName") or site.get("Name")) or str(site["SiteId"]),
             "zip": _api_text(site.get("Zip")), "city": _api_text(site.get("City"))}
            for site in sites
        ])
