"""clients/claims.py sends a claim through either organism's client, which makes, attaches, submits and reads it
(against the sandbox, strict mode), and the clients' messages follow the translate function they are given."""

import pytest
from qualirepar_clients import CLIENTS, ApiError, EcologicClient, EcosystemClient, claims

from payloads import REPAIR_SITE_ID, ecologic_claim, ecosystem_claim

DOCUMENTS = {"invoice": "facture", "nameplate": "plaque", "consumer_validation": "validation"}


def _job(create, ref=None, update=None):
    return {"id": 7, "ref": ref, "look_up": False, "reference": "QR/2024/0001", "create": create, "update": update,
            "documents": [{"kind": kind, "name": name + ".pdf", "extension": "pdf", "mimetype": "application/pdf",
                           "content": b"%PDF-1.4"} for kind, name in DOCUMENTS.items()],
            "request_id": None, "use_requests": True, "lookup_trusted": False}


def _send(client, job):
    reports = []
    claims.send(job, client, lambda kind, job_id, data: reports.append((kind, job_id, data)))
    return reports


def _ecologic_create():
    return {"body": ecologic_claim(), "repair_end_date": "2024-03-15T10:00:00", "repair_site_id": REPAIR_SITE_ID,
            "invoice_number": "F2024-001", "quote_number": "QR/2024/0001"}


def test_registry_by_organism():
    assert CLIENTS == {"ecosystem": EcosystemClient, "ecologic": EcologicClient}
    assert set(EcosystemClient.file_types) == set(EcologicClient.file_types) == {
        "invoice", "nameplate", "device_picture", "consumer_validation"}


@pytest.mark.parametrize("client_name", ["ecosystem", "ecologic"])
def test_a_claim_made_attached_submitted_and_read(request, state, client_name):
    client = request.getfixturevalue(client_name)
    create = {"payload": ecosystem_claim()} if client_name == "ecosystem" else _ecologic_create()
    reports = _send(client, _job(create))
    kinds = [kind for kind, _id, _data in reports]
    assert kinds == (["created", "done"] if client_name == "ecosystem" else ["request", "created", "done"])
    created, done = reports[-2][2], reports[-1][2]
    assert done["error"] is None, done["error"]
    assert done["uploaded"] == list(DOCUMENTS)
    assert (done["state"], done["refused"], done["remake"]) == ("sent", None, False)
    assert created["errors"] == [], "the attachments still to come are not an error"
    remote = client.read_claim(created["ref"])
    assert remote["status"] == done["status"] and client.remote_state(remote["status"]) == "sent"
    assert remote["errors"] == [] and remote["documents"] == []


def test_ecosystem_draft_missing_a_document_is_to_be_made_anew(ecosystem):
    job = _job({"payload": ecosystem_claim()})
    job["documents"] = [d for d in job["documents"] if d["kind"] != "nameplate"]
    done = _send(ecosystem, job)[-1][2]
    assert done["error"].code == "PIECE_JOINTE_MANQUANTE"
    assert done["remake"] is True


def test_ecologic_refusal_names_the_documents(ecologic):
    job = _job(_ecologic_create())
    job["documents"] = [d for d in job["documents"] if d["kind"] == "invoice"]
    done = _send(ecologic, job)[-1][2]
    assert done["error"] is None, done["error"]
    assert done["refused"] is not None and done["remake"] is False
    assert "consumer_validation" in done["refused"]["documents"]


def test_messages_follow_the_translate_function(sandbox):
    french = {"Authentication refused by %(organism)s (HTTP %(status)s)":
              "Authentification refusée par %(organism)s (HTTP %(status)s)",
              "%(summary)s: %(message)s": "%(summary)s : %(message)s"}
    client = EcologicClient(sandbox.ecologic_url, "00000000-0000-0000-0000-000000000000",
                            translate=lambda source, **params: french.get(source, source) % params)
    with pytest.raises(ApiError) as info:
        client.get_brands()
    assert info.value.message.startswith("Authentification refusée par Ecologic (HTTP 401)")
