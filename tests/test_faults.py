"""Fault injection of the sandbox, and how the clients' retries and typed errors cope with it."""

import time

import pytest
import requests
from qualirepar_clients import EcologicClient, EcosystemClient, TemporaryError

from payloads import REPAIR_SITE_ID, SEB_ECOLOGIC, WASHER_ECOLOGIC, ecologic_claim, ecosystem_claim


def statuses(calls, fragment):
    return [status for _, _, status in calls(fragment)]


@pytest.mark.parametrize("kind, status", [("5xx", 500), ("429", 429)])
def test_get_is_retried_then_succeeds(ecosystem, ecologic, state, calls, kind, status):
    state.retry_after = 0
    state.inject(kind, count=2, path_filter="/catalog")
    state.inject(kind, count=2, path_filter="printbrandlist")
    assert len(ecosystem.get_catalog()) >= 20
    assert ecologic.get_brands()
    assert statuses(calls, "/catalog") == [status, status, 200]
    assert statuses(calls, "printbrandlist") == [status, status, 200]


def test_429_retry_after_is_respected(ecologic, state):
    state.retry_after = 1
    state.inject("429", path_filter="getrepairsitesbyats")
    started = time.monotonic()
    assert ecologic.get_repair_sites()
    assert time.monotonic() - started >= 0.9


def test_retries_exhausted(ecologic, state, calls):
    state.set_faults(error_rate=1.0, error_status=503, path_filter="printbrandlist")
    with pytest.raises(TemporaryError) as info:
        ecologic.get_brands()
    assert info.value.status_code == 503
    assert info.value.payload["ResponseErrorMessage"]
    assert len(calls("printbrandlist")) == 4  # first try + 3 retries


@pytest.mark.parametrize("kind, status", [("5xx", 500), ("429", 429)])
def test_ecosystem_create_is_not_retried(ecosystem, state, calls, kind, status):
    ecosystem.login()
    state.inject(kind, path_filter="new_claim")
    with pytest.raises(TemporaryError) as info:
        ecosystem.new_claim(ecosystem_claim())
    assert info.value.status_code == status
    assert info.value.unprocessed is (status == 429)  # a 500 may come after the claim was made
    assert statuses(calls, "new_claim") == [status]
    assert state.claims("ecosystem") == []


def test_ecologic_create_is_not_retried(ecologic, state, calls):
    state.inject("5xx", path_filter="createclaim")
    with pytest.raises(TemporaryError):
        ecologic.create_claim(ecologic_claim(), "2024-03-15", REPAIR_SITE_ID, "F1", "D1")
    assert statuses(calls, "createclaim") == [500]


def quick_clients(sandbox, timeout=0.3, retries=3):
    options = {"timeout": timeout, "retries": retries, "backoff_factor": 0.01}
    return (EcosystemClient(sandbox.ecosystem_url, "sandbox-user", "sandbox-password", **options),
            EcologicClient(sandbox.ecologic_url, sandbox.state.api_key, **options))


def test_timeout_on_get_is_retried(sandbox, state):
    state.set_faults(timeout_seconds=0.6)
    state.inject("timeout", path_filter="calculateecosupport")
    _, ecologic = quick_clients(sandbox)
    assert ecologic.calculate_ecosupport(120, SEB_ECOLOGIC, WASHER_ECOLOGIC)["SupportAmount"] == 50


def test_timeout_on_post_raises_temporary_error(sandbox, state):
    state.set_faults(timeout_seconds=0.6)
    ecosystem, _ = quick_clients(sandbox)
    ecosystem.login()
    state.inject("timeout", path_filter="new_claim")
    with pytest.raises(TemporaryError) as info:
        ecosystem.new_claim(ecosystem_claim())
    assert "did not answer in time" in info.value.message
    assert not info.value.unprocessed
    time.sleep(0.5)  # the sandbox still serves the late request once
    assert len(state.claims("ecosystem")) == 1


def test_timeouts_exhausting_retries(sandbox, state):
    state.set_faults(timeout_rate=1.0, timeout_seconds=0.5, path_filter="/partners")
    ecosystem, _ = quick_clients(sandbox, retries=1)
    with pytest.raises(TemporaryError) as info:
        ecosystem.get_partners()
    assert "did not answer in time" in info.value.message


def test_connection_refused(sandbox):
    client = EcologicClient("http://127.0.0.1:9/", "key", retries=0)
    with pytest.raises(TemporaryError) as info:
        client.get_brands()
    assert "Cannot reach Ecologic" in info.value.message
    assert info.value.status_code is None
    assert info.value.unprocessed  # nothing reached Ecologic: a creation can be sent again


@pytest.mark.parametrize("client_name, call, fragment", [
    ("ecosystem", lambda c: c.get_partners(), "/partners"),
    ("ecologic", lambda c: c.get_brands(), "printbrandlist"),
])
def test_malformed_body(request, state, client_name, call, fragment):
    client = request.getfixturevalue(client_name)
    state.inject("malformed", path_filter=fragment)
    with pytest.raises(TemporaryError) as info:
        call(client)
    assert "JSON" in info.value.message
    assert info.value.payload.startswith("{")
    assert call(client)  # the fault was a one-shot


def test_latency(ecologic, state):
    state.set_faults(latency_ms=300, path_filter="getdepositsitesbyats")
    started = time.monotonic()
    ecologic.get_deposit_sites()
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    ecologic.get_repair_sites()
    assert time.monotonic() - started < 0.3


def test_random_faults_are_reproducible_with_a_seed(sandbox, state):
    url = sandbox.ecologic_url + "printbrandlist"
    outcomes = []
    for _ in range(2):
        state.set_faults(error_rate=0.5, seed=42)
        outcomes.append([requests.get(url, headers={"api_key": state.api_key}).status_code for _ in range(20)])
    assert outcomes[0] == outcomes[1]
    assert set(outcomes[0]) == {200, 500}


def test_faults_never_apply_to_control(sandbox, state):
    state.set_faults(error_rate=1.0, malformed_rate=1.0)
    answer = requests.get(sandbox.control_url + "/requests")
    assert answer.status_code == 200 and answer.json() == []


def test_unknown_fault_kind(state):
    with pytest.raises(ValueError):
        state.inject("meteor")
