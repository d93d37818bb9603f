"""Reference-data synchronisation of a connection: idempotent, archives what vanished, deletes nothing."""

import re
import unicodedata

from odoo import Command, api, fields, models
from odoo.tools import float_compare

from ..clients.ecologic import ECO_ORGANIZATION_ECOLOGIC


def _ecosystem_flag(value):
    """ecosystem's ``isEcosystemBrand`` (a boolean, or its text): True, False, or None when absent."""
    if isinstance(value, str):
        value = {"true": True, "false": False}.get(value.strip().casefold())
    return value if isinstance(value, bool) else None


def _brand_key(name):
    """A brand's name as both organisms' lists are compared: no accents, case or punctuation."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().casefold()
    return "".join(re.findall(r"[a-z0-9]+", text))


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

    eco_organization_code = fields.Integer(
        string="Ecologic's EcoOrganizationId", default=ECO_ORGANIZATION_ECOLOGIC,
        help="The EcoOrganizationId by which Ecologic's API names itself in calculateecosupport's answer: "
        "another value means the brand and product are ecosystem's. 44 comes from one unverified source: "
        "check it against a brand of yours in pre-production.")
    refused_claims_updatable = fields.Boolean(
        string="Refused claims can be corrected",
        help="Ecologic lets a refused claim be corrected and submitted again (updateclaim). Unticked (the API's "
        "documentation does not say it can), a corrected claim is sent as a new claim, the refused one kept "
        "for reference.")
    claim_lookup_by_request = fields.Boolean(
        string="Claims made from a support request", default=True,
        help="Each claim is made from a support request (createsupportrequest, then createclaim with its "
        "RequestId): when Ecologic's answer to a creation is lost, the support request's status tells the claim "
        "made, so that nobody has to look for it on e-reparateur.")
    request_lookup_trusted = fields.Boolean(
        string="Support requests tell their claim", readonly=True,
        help="Ecologic has been seen to give, in a support request's status, the ClaimId made from it: a lost "
        "creation whose support request tells no claim is then made again without asking a person.")
    last_sync_warning = fields.Text(
        string="To complete after the synchronisation", readonly=True,
        help="What the last synchronisation could not settle by itself, e.g. sheet codes linked to no fiche métier.")

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
        """Fetch the organism's reference data and store it (``_sync_<organism>``). Raises ApiError when the API
        fails."""
        self.ensure_one()
        client = self._get_client()
        warning = getattr(self, f"_sync_{self.organism}")(client)
        values = {"last_sync_date": fields.Datetime.now()}
        if self.last_sync_error:
            values["last_sync_error"] = False
        if (warning or False) != self.last_sync_warning:
            values["last_sync_warning"] = warning or False
        self.write(values)

    def _ecosystem_brand_handlers(self):
        """{brand key: organism} as the company's ecosystem catalogue says (isEcosystemBrand)."""
        brands = self.env["qualirepar.brand"].search_fetch(
            [("company_id", "=", self.company_id.id), ("organism", "=", "ecosystem")], ["name", "handled_by"])
        return {_brand_key(brand.name): brand.handled_by for brand in brands}

    def _sync_ecologic_brand_handlers(self):
        """Ecologic's brand list says nothing of the organism: a brand ecosystem's catalogue flags as its own is
        ecosystem's, so that each brand is offered once, by the organism that handles it."""
        handlers = self._ecosystem_brand_handlers()
        brands = self.env["qualirepar.brand"].with_context(active_test=False).search_fetch(
            [("company_id", "=", self.company_id.id), ("organism", "=", "ecologic")], ["name", "handled_by"])
        for organism in ("ecosystem", "ecologic"):
            changed = brands.filtered(lambda b: handlers.get(_brand_key(b.name), "ecologic") == organism
                                      and b.handled_by != organism)
            if changed:
                changed.write({"handled_by": organism})

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
        """Returns what a person has to complete (sheet codes linked to no fiche), or None."""
        catalog = client.get_catalog()
        partners = client.get_partners()
        partner = next((p for p in partners if str(p.get("RepairerID")) == (self.repairer_identifier or "")),
                       partners[0] if partners else {})
        sheet_codes = {}
        for product in catalog:
            code = _api_text((product.get("ProductSheet") or {}).get("Type"))
            if code:
                sheet_codes.setdefault(code, "")
        for sheet in partner.get("BusinessSheets") or []:
            if code := _api_text(sheet.get("Type")):
                sheet_codes[code] = _api_text(sheet.get("Description")) or sheet_codes.get(code) or ""
        links, unlinked = self.env["qualirepar.fiche.metier"]._qualirepar_link_sheet_codes(sheet_codes)
        brand_rows = {}
        for product in catalog:
            for brand in product.get("Brands") or []:
                code = str(brand["BrandID"])
                # isEcosystemBrand false: Ecologic's brand (spec §1.7); absent: taken as ecosystem's, which lists it.
                brand_rows[code] = {
                    "backend_id": self.id,
                    "code": code,
                    "name": _api_text(brand.get("BrandName")) or code,
                    "handled_by": "ecologic" if _ecosystem_flag(brand.get("isEcosystemBrand")) is False
                    else "ecosystem",
                }
        brands = self._sync_model("qualirepar.brand", [("backend_id", "=", self.id)], ("backend_id", "code"),
                                  list(brand_rows.values()))
        self._sync_ecologic_brand_handlers()
        by_code = {product["ProductID"]: product for product in catalog}
        type_rows = []
        for code, product in by_code.items():
            sheet_type = _api_text((product.get("ProductSheet") or {}).get("Type"))
            row = {
                "backend_id": self.id,
                "code": code,
                "sheet_type": sheet_type,
                "name": _api_text(product.get("ProductName")) or code,
                "eligible_from": _api_date(product.get("ProductEligibleFrom")),
                "eligible_until": _api_date(product.get("ProductEligibleUntil")),
                "brand_ids": sorted(brands[(self.id, str(b["BrandID"]))].id for b in product.get("Brands") or []),
            }
            if sheet_type in links:
                row["fiche_metier_id"] = links[sheet_type].id
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
        self._sync_model("qualirepar.fiche.label", [("backend_id", "=", self.id)], ("backend_id", "sheet_type"), [
            {
                "backend_id": self.id,
                "sheet_type": _api_text(sheet["Type"]),
                "fiche_metier_id": links[_api_text(sheet["Type"])].id if _api_text(sheet["Type"]) in links else False,
                "label_number": _api_text(sheet.get("NumberId")),
                "name": _api_text(sheet.get("Description")),
                "institution": _api_text(sheet.get("Institution")),
                "valid_from": _api_date(sheet.get("ValidFrom")),
                "valid_to": _api_date(sheet.get("ValidTo")),
            }
            for sheet in partner.get("BusinessSheets") or [] if _api_text(sheet.get("Type"))
        ])
        if unlinked:
            return self.env._(
                "ecosystem's sheet codes linked to no fiche métier: %(codes)s. The product types of these codes "
                "have no fiche métier: add each code to its fiche (Fiches métier, field “ecosystem sheet codes”).",
                codes=", ".join(unlinked))
        return None

    # ------------------------------------------------------------------
    # Ecologic: printbrandlist, printproducttypewithlabellist, getrepairsitesbyats
    # ------------------------------------------------------------------
    def _sync_ecologic(self, client):
        brands = client.get_brands()
        product_types = client.get_product_types(with_labels=True)
        sites = client.get_repair_sites()
        handlers = self._ecosystem_brand_handlers()
        self._sync_model("qualirepar.brand", [("backend_id", "=", self.id)], ("backend_id", "code"), [
            {"backend_id": self.id, "code": str(b["BrandId"]), "name": _api_text(b.get("BrandName")) or str(b["BrandId"]),
             "handled_by": handlers.get(_brand_key(b.get("BrandName")), "ecologic")}
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
