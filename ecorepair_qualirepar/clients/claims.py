"""The HTTP side of sending a claim: create it at its organism, upload its documents, submit it.

It knows nothing of Odoo, nor of either organism: the claim's queue_job job prepares what to do (plain data, see
``send``) and records, committing it at once, what the calls report; the organism's client makes each step
(``make_claim``, ``attach``, ``submit``, ``read_claim``: see :class:`.common.BaseClient`). No Odoo import here.
"""

import re

from .common import ApiError, CreationUnknown, TemporaryError

__all__ = ["REJECT_REASON", "CreationUnknown", "send"]

# A rejection reason as both organisms write it: "NN : label".
REJECT_REASON = re.compile(r"(\d{2})\s*:\s*([^)]+)")


def send(job, client, report):
    """Make the calls of one claim's transmission with ``client``; never raises.

    ``job``: {"id", "ref" (None until the organism has made the claim), "look_up" (an earlier creation may have
    succeeded unseen: it is looked for first), "reference" (ours), "create" (what the client's ``make_claim``
    creates the claim from), "documents" (the ones still to send: {"kind", "name", "extension", "mimetype",
    "content"}), "update" (Ecologic: the correction of a claim it found errors in, or None), and what
    ``make_claim`` reads of the organism's ("request_id", "use_requests", "lookup_trusted" at Ecologic)}.
    ``report(kind, job_id, data)`` is called with "request" ({"request_id"}) once Ecologic has made a support
    request, with "created" as soon as the claim exists at the organism ({"ref", "status", "answer", "found",
    "errors", and "trusted" at Ecologic: the support request's status told the claim}), then once with "done":
    {"uploaded": [kinds], "answer", "status", "state": the claim's state the status means, "refused": see the
    client's ``submit``, "error": the exception that stopped it, or None, "remake": that error means the claim
    the organism holds can only be made anew}.
    """
    ref = job["ref"]
    done = {"uploaded": [], "answer": {}, "status": None, "state": None, "refused": None, "error": None,
            "remake": False}
    try:
        if not ref:
            ref = client.make_claim(job, report)
        try:
            for document in job["documents"]:
                client.attach(ref, document)
                done["uploaded"].append(document["kind"])
            submitted = client.submit(job, ref)
            done.update(answer=submitted["answer"], status=submitted["status"], refused=submitted["refused"])
        except ApiError as error:
            # Refused because an attempt whose answer was lost has submitted the claim already?
            if isinstance(error, TemporaryError):
                raise
            status = client.read_claim(ref)["status"]
            if client.remote_state(status) not in ("sent", "approved", "closed"):
                raise
            done["status"] = status
        done["state"] = client.remote_state(done["status"])
    except Exception as error:  # noqa: BLE001 - reported to the Odoo side, which records it on the claim
        done["error"] = error
        done["remake"] = bool(ref) and client.draft_unusable(error)
    report("done", job["id"], done)
