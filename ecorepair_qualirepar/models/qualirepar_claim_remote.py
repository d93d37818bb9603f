from odoo import api, fields, models

from .qualirepar_backend import ORGANISMS


class QualireparClaimRemoteDocument(models.Model):
    """A document of a claim as the eco-organism has it, for the claim it has now: received (each kind is uploaded
    once: ecosystem refuses a second upload of a kind), or refused (named in the organism's errors: sent again
    with the correction). Written by the claim's transmission only."""

    _name = "qualirepar.claim.remote.document"
    _description = "Document of a claim at the eco-organism"
    _order = "claim_id, uploaded_on, id"
    _rec_name = "kind"

    claim_id = fields.Many2one("qualirepar.claim", string="Claim", required=True, readonly=True, ondelete="cascade",
                               index=True)
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True, precompute=True)
    kind = fields.Selection(selection="_selection_kind", string="Document", required=True, readonly=True)
    uploaded_on = fields.Datetime(string="Uploaded on", readonly=True, default=fields.Datetime.now)
    refused = fields.Boolean(readonly=True, help="Named in the organism's errors: sent again with the correction.")

    _sql_constraints = [
        ("claim_kind_uniq", "unique(claim_id, kind)", "The organism has this document of the claim already."),
    ]

    @api.model
    def _selection_kind(self):
        return list(self.env["qualirepar.claim"]._qualirepar_document_labels().items())


class QualireparClaimPreviousRef(models.Model):
    """A reference the claim had at the eco-organism before it was sent again as a new claim (a rejected claim
    sent anew): kept to find the earlier claim in the organism's records. Written by the claim only."""

    _name = "qualirepar.claim.previous.ref"
    _description = "Earlier reference of a claim at the eco-organism"
    _order = "claim_id, replaced_on, id"

    claim_id = fields.Many2one("qualirepar.claim", string="Claim", required=True, readonly=True, ondelete="cascade",
                               index=True)
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True, precompute=True)
    name = fields.Char(string="Reference", required=True, readonly=True)
    organism = fields.Selection(ORGANISMS, readonly=True)
    replaced_on = fields.Datetime(string="Replaced on", required=True, readonly=True, default=fields.Datetime.now)
