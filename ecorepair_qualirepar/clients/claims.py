"""The HTTP side of sending a claim: create it at its organism, upload its documents, submit it.

It knows nothing of Odoo: the claim's queue_job job prepares what to do (plain data, see ``send``) and records,
committing it at once, what the calls report. No Odoo import here.
"""

import re
import unicodedata

from .common import ApiError, TemporaryError

# The claim's documents as each organism names them.
FILE_TYPES = {
    "ecosystem": {"invoice": "invoice", "nameplate": "serial_tag", "device_picture": "device_picture",
                  "consumer_validation": "claim_request"},
    "ecologic": {"invoice": "INVOICE", "nameplate": "NAMEPLATE", "device_picture": "PRODUCTPICTURE",
                 "consumer_validation": "CONSUMERVALIDATION"},
}
# The organisms' statuses (lower case, by their beginning), onto the claim's states. A status never books money:
# "closed" means the organism has finished with the claim (paid, it says); the money is known from the remittance.
REMOTE_STATES = [
    ("en cours de création", "sending"), ("dossier incomplet", "sending"), ("a finaliser", "sending"),
    ("envoyé", "sent"), ("en attente", "sent"), ("waiting", "sent"), ("arbitration", "sent"),
    ("approuvé", "approved"), ("accepté", "approved"), ("accepted", "approved"), ("valid", "approved"),
    # Ecologic's "Remboursement accepté": accepted for payment (spec §2.7), not paid.
    ("remboursement accepté", "approved"),
    ("remboursement effectué", "closed"), ("clôturée", "closed"), ("closedaccepted", "closed"),
    ("rejeté", "rejected"), ("refusé", "rejected"), ("refused", "rejected"), ("notvalid", "rejected"),
    ("notconform", "rejected"), ("non conforme", "rejected"),
    ("annulé", "cancel"), ("cancelled", "cancel"),
]


class CreationUnknown(Exception):
    """Ecologic cannot tell whether a creation whose answer was lost made the claim: a person looks."""


REJECT_REASON = re.compile(r"(\d{2})\s*:\s*([^)]+)")


def remote_state(status):
    """The claim state of an organism's status label, or None when unknown."""
    status = unicodedata.normalize("NFC", (status or "").strip().casefold())
    return next((state for prefix, state in REMOTE_STATES if status.startswith(prefix)), None)


def remote_status(client, organism, reference):
    """{"status", "reason", "errors"} of a claim at its organism: its status label, the rejection reason or
    comment, and (Ecologic) the ValidationErrors still open. No API tells a payment (spec §4)."""
    if organism == "ecosystem":
        details = client.get_claim(reference)
        return {"status": details.get("RequestStatus"),
                "reason": details.get("RejectReason") or details.get("RequestStatus"), "errors": []}
    details = client.get_claim_status(int(reference)) or {}
    return {"status": details.get("LastStatus"), "reason": details.get("Comment"),
            "errors": details.get("ValidationErrors") or []}


def send(job, client, report):
    """Make the calls of one claim's transmission with ``client``; never raises.

    ``job``: {"id", "organism", "ref" (None until the organism has made the claim), "look_up" (an earlier creation
    may have succeeded unseen: ecosystem is searched for "reference" first), "reference", "create" (keyword
    arguments of new_claim / create_claim), "documents" (the ones still to send: {"kind", "name", "extension",
    "mimetype", "content"}), "update" (keyword arguments of Ecologic's update_claim for a corrected claim, or
    None)}.
    Ecologic's claims are made from a support request (``job["request_id"]``, made first when None and
    ``job["use_requests"]``), whose status tells the ClaimId made from it: a creation whose answer was lost is
    looked up there; when none is found, it is made again only if ``job["lookup_trusted"]`` (that status has
    been seen to tell the claim), else :class:`CreationUnknown` is raised.
    ``report(kind, job_id, data)`` is called with "request" ({"request_id"}) once a support request is made, with
    "created" as soon as the claim exists at the organism ({"ref", "status", "answer", "found", "trusted": the
    support request's status told the claim}), then once with "done": {"uploaded": [kinds], "answer", "status",
    "error": the exception that stopped it, or None}.
    """
    organism, ref = job["organism"], job["ref"]
    done = {"uploaded": [], "answer": {}, "status": None, "error": None}
    try:
        if not ref:
            ref = _create(job, client, report)
        try:
            for document in job["documents"]:
                _upload(client, organism, ref, document)
                done["uploaded"].append(document["kind"])
            done["answer"], done["status"] = _submit(job, client, ref)
        except ApiError as error:
            # Refused because an attempt whose answer was lost has submitted the claim already?
            if isinstance(error, TemporaryError):
                raise
            status = remote_status(client, organism, ref)["status"]
            if remote_state(status) not in ("sent", "approved", "closed"):
                raise
            done["status"] = status
    except Exception as error:  # noqa: BLE001 - reported to the Odoo side, which records it on the claim
        done["error"] = error
    report("done", job["id"], done)


def _create(job, client, report):
    if job["organism"] == "ecosystem":
        found = job["look_up"] and next((c for c in client.list_claims()
                                         if c.get("PurchaseOrderByCustomer") == job["reference"]), None)
        answer = found or client.new_claim(**job["create"])
        created = {"ref": str(answer["ReimbursementClaimID"]), "status": answer.get("RequestStatus")}
    else:
        return _create_ecologic(job, client, report)
    report("created", job["id"], dict(created, answer=answer, found=bool(found)))
    return created["ref"]


def _create_ecologic(job, client, report):
    create, request_id = job["create"], job.get("request_id")
    if job["look_up"]:
        if not request_id:
            raise CreationUnknown()
        claim_id = (client.get_support_request_status(request_id) or {}).get("ClaimId")
        if claim_id:
            answer = client.get_claim_status(int(claim_id)) or {}
            report("created", job["id"], {"ref": str(claim_id), "status": answer.get("LastStatus"), "answer": answer,
                                          "found": True, "trusted": True})
            return str(claim_id)
        if not job["lookup_trusted"]:
            raise CreationUnknown()
    if not request_id and job.get("use_requests"):
        try:
            request = client.create_support_request(create["body"], create["repair_end_date"],
                                                    create["repair_site_id"], create["quote_number"])
        except TemporaryError as error:
            error.unprocessed = True  # no claim was asked for
            raise
        request_id = (request or {}).get("RequestId")
        if request_id:
            report("request", job["id"], {"request_id": request_id})
    answer = client.create_claim(request_id=request_id, **create)
    ref = str(answer["ClaimId"])
    trusted = job["lookup_trusted"]
    if request_id and not trusted:
        # Does the support request's status tell the claim made from it? Then a lost creation can be found.
        try:
            trusted = str((client.get_support_request_status(request_id) or {}).get("ClaimId")) == ref
        except ApiError:
            trusted = False
    report("created", job["id"], {"ref": ref, "status": answer.get("LastStatus"), "answer": answer, "found": False,
                                  "trusted": trusted})
    return ref


def _upload(client, organism, ref, document):
    file_type = FILE_TYPES[organism][document["kind"]]
    if organism == "ecologic":
        client.attach_file(int(ref), document["name"], document["extension"], file_type, document["content"])
    else:
        client.upload_file(ref, document["name"], file_type, document["content"],
                           document.get("mimetype") or "application/octet-stream")


def _submit(job, client, ref):
    """Ask the organism to check the claim: (its answer, the status)."""
    if job["organism"] == "ecosystem":
        answer = client.confirm_claim(ref)
        return answer, answer.get("RequestStatus")
    if job["update"]:
        answer = client.update_claim(int(ref), submit=True, **job["update"])
    else:
        answer = client.submit_claim(int(ref))
    return answer, answer.get("LastStatus")
