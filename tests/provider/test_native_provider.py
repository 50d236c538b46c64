"""The plugin's native provider against the emulator, called as the SDK's server calls it (``PropertyValue`` maps,
camelCase): config, check, diff, preview, create, read (refresh and import), update, delete."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from pulumi.provider.experimental import provider as api
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime import rpc

from sparkpost_tracking.dynamic_providers.certificate_errors import ERROR_CODES
from sparkpost_tracking.dynamic_providers.errors import ConfigurationError, ManagedCertificateError
from sparkpost_tracking.emulator import Emulator
from sparkpost_tracking.plugin.native import in_wire_words
from sparkpost_tracking.plugin.provider import NativeProvider
from sparkpost_tracking.plugin.wire import from_python, to_python

KEY = "native-provider-key-0123456789"
URN = "urn:pulumi:test::proj::sparkpost-tracking:index:TrackingDomain::td"
CHILD_URN = ("urn:pulumi:test::proj::sparkpost-tracking:index:ManagedTrackingDomain$"
             "sparkpost-tracking:index:TrackingDomain::m-sparkpost")
DOMAIN = "track.example.com"
T = TypeVar("T")


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(api_keys=[KEY]) as emulator:
        yield emulator


@pytest.fixture
def provider(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> NativeProvider:
    for var in ("SPARKPOST_API_KEY", "SPARKPOST_EU_API_KEY", "SPARKPOST_VERIFY_TIMEOUT"):
        monkeypatch.delenv(var, raising=False)
    return configured(emu)


def configured(emu: Emulator) -> NativeProvider:
    """A provider as the engine starts one for a deployment (a later deployment gets a new one)."""
    native = NativeProvider(schema=lambda: "{}")
    configure(native, apiKey=PropertyValue(KEY).with_secret(True), apiUrl=emu.base_url, verifyInterval="0",
              retryBackoff="0.01")
    return native


def run(call: Coroutine[Any, Any, T]) -> T:
    """Await one provider call on a loop of its own (asyncio.run would leave the thread without a current loop,
    which Pulumi's mocks in later tests expect to find)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(call)
    finally:
        loop.close()


def wire(**values: Any) -> dict[str, PropertyValue]:
    return {k: from_python(v) for k, v in values.items()}


def plain(props: dict[str, PropertyValue]) -> dict[str, Any]:
    return {k: to_python(v) for k, v in props.items()}


def configure(native: NativeProvider, **config: Any) -> api.ConfigureResponse:
    args = {k: v if isinstance(v, PropertyValue) else from_python(v) for k, v in config.items()}
    return run(native.configure(api.ConfigureRequest({}, args, True, False)))


def check(native: NativeProvider, urn: str = URN, **news: Any) -> api.CheckResponse:
    return run(native.check(api.CheckRequest(urn, {}, wire(**news), b"")))


def create(native: NativeProvider, props: dict[str, PropertyValue], *, preview: bool = False) -> api.CreateResponse:
    return run(native.create(api.CreateRequest(URN, props, 60, preview)))


def created(native: NativeProvider, **news: Any) -> tuple[str, dict[str, PropertyValue]]:
    checked = check(native, domain=DOMAIN, **news)
    assert not checked.failures and checked.inputs is not None
    response = create(native, checked.inputs)
    assert response.resource_id is not None
    return response.resource_id, response.properties


# ---- config and check ---------------------------------------------------------------------------

def test_configure_accepts_secrets_and_preview(provider: NativeProvider) -> None:
    response = configure(provider, apiKey=PropertyValue(KEY).with_secret(True))
    # The engine requires secrets support of a plugin that constructs components.
    assert response.accept_secrets and response.supports_preview


@pytest.mark.parametrize("name", ["apiKey", "euApiKey"])
def test_configure_refuses_a_key_that_is_not_secret_without_showing_it(provider: NativeProvider, name: str) -> None:
    # Only Configure sees which values are secret: a plain key would be stored as the provider's inputs in state.
    with pytest.raises(ConfigurationError) as caught:
        configure(provider, **{name: KEY})
    assert str(caught.value) == (f"sparkpost-tracking:{name}: holds an API key in plain text in the stack config "
                                 "(and so in the stack file and the provider's state); make it a secret: pulumi config "
                                 f"set --secret sparkpost-tracking:{name} <key>. On an explicit provider resource, "
                                 "pass the key as a secret instead of text in the program: fn::secret or a secret "
                                 "config value in YAML, pulumi.secret(...) or config.requireSecret(...) in code")
    assert KEY not in str(caught.value)


def test_check_config_names_each_bad_value() -> None:
    native = NativeProvider(schema=lambda: "{}")
    request = api.CheckRequest("urn:pulumi:test::proj::pulumi:providers:sparkpost-tracking::default", {},
                               wire(region="mars", apiUrl="http://example.com/api/v1", verifyTimeout="soon",
                                    domains=[{"domain": "x"}]), b"")
    failures = run(native.check_config(request)).failures or []
    assert sorted(f.property for f in failures) == ["apiUrl", "region", "verifyTimeout"]  # `domains` is not ours
    assert any("https" in f.reason for f in failures if f.property == "apiUrl")


def test_bad_config_fails_configure_with_the_property_named() -> None:
    with pytest.raises(ConfigurationError, match="verifyTimeout"):
        configure(NativeProvider(schema=lambda: "{}"), verifyTimeout="-3")


def test_check_fills_defaults_and_the_providers_api_url(provider: NativeProvider, emu: Emulator) -> None:
    response = check(provider, domain="Track.Example.com")
    assert not response.failures
    assert plain(response.inputs or {}) == {"domain": DOMAIN, "secure": True, "default": False, "region": "us",
                                            "apiUrl": emu.base_url, "verify": True, "managedCertificate": False,
                                            "adoptExisting": False}


def test_the_providers_endpoint_is_a_default_per_property(provider: NativeProvider, emu: Emulator) -> None:
    # A component always passes a region ('us' by default): the provider's apiUrl still applies, and like any
    # apiUrl it wins over the region.
    eu = plain(check(provider, domain=DOMAIN, region="eu").inputs or {})
    assert eu["region"] == "eu" and eu["apiUrl"] == emu.base_url
    own = plain(check(provider, domain=DOMAIN, apiUrl="http://127.0.0.1:1/api/v1").inputs or {})
    assert own["apiUrl"] == "http://127.0.0.1:1/api/v1"


def test_check_failures_carry_the_wire_names(provider: NativeProvider) -> None:
    response = check(provider, domain="example.com", subaccountId=0, managedCertifcate=True)
    assert sorted(f.property for f in response.failures or []) == ["domain", "managedCertifcate", "subaccountId"]
    reasons = {f.property: f.reason for f in response.failures or []}
    assert "Did you mean 'managedCertificate'" in reasons["managedCertifcate"]  # the schema's words


def test_check_keeps_secret_inputs_secret(provider: NativeProvider) -> None:
    response = run(provider.check(api.CheckRequest(
        URN, {}, {"domain": PropertyValue(DOMAIN).with_secret(True)}, b"")))
    inputs = response.inputs or {}
    assert inputs["domain"].is_secret and not inputs["secure"].is_secret


def test_unknown_inputs_pass_check_and_make_no_request(provider: NativeProvider, emu: Emulator) -> None:
    response = check(provider, domain=rpc.UNKNOWN, secure=rpc.UNKNOWN)
    assert not response.failures
    assert to_python((response.inputs or {})["domain"]) == rpc.UNKNOWN
    assert emu.count() == 0


# ---- preview, create, diff ----------------------------------------------------------------------

def test_a_preview_create_asks_nothing_and_reports_outputs_unknown(provider: NativeProvider, emu: Emulator) -> None:
    checked = check(provider, domain=DOMAIN)
    response = create(provider, checked.inputs or {}, preview=True)
    props = plain(response.properties)
    assert props["domain"] == DOMAIN and props["secure"] is True
    assert all(props[k] == rpc.UNKNOWN for k in ("port", "verified", "cnameStatus", "usesManagedCertificate"))
    assert emu.count() == 0
    # What the server sends back marshals (PropertyValue.computed() would not).
    assert PropertyValue.marshal_map(response.properties).fields["verified"].string_value == rpc.UNKNOWN


def test_create_then_diff(provider: NativeProvider, emu: Emulator) -> None:
    id_, state = created(provider)
    assert id_ == DOMAIN and plain(state)["verified"] is True and plain(state)["port"] == 443
    assert emu.get(DOMAIN)["status"]["verified"] is True  # type: ignore[index]

    def diff(**news: Any) -> api.DiffResponse:
        inputs = check(provider, domain=DOMAIN, **news).inputs or {}
        return run(provider.diff(api.DiffRequest(URN, id_, state, inputs, [])))

    same = diff()
    assert same.changes is False and same.replaces == [] and same.detailed_diff == {}
    update = diff(secure=False)
    assert update.changes and update.replaces == []
    assert update.detailed_diff["secure"].kind is api.PropertyDiffKind.UPDATE
    assert update.detailed_diff["secure"].input_diff is False  # state (what SparkPost said) against inputs
    moved = diff(subaccountId=5)
    assert moved.replaces == ["subaccountId"] and moved.delete_before_replace
    assert moved.detailed_diff["subaccountId"].kind is api.PropertyDiffKind.UPDATE_REPLACE


def test_a_child_of_a_component_is_served_too(provider: NativeProvider) -> None:
    assert not check(provider, urn=CHILD_URN, domain=DOMAIN).failures
    with pytest.raises(ValueError, match="serves no resource 'sparkpost-tracking:index:Nope'"):
        check(provider, urn=URN.replace("TrackingDomain", "Nope"), domain=DOMAIN)


# ---- read, update, delete ----------------------------------------------------------------------

def test_refresh_keeps_the_declared_inputs_and_reports_drift(provider: NativeProvider, emu: Emulator) -> None:
    id_, state = created(provider)
    inputs = check(provider, domain=DOMAIN).inputs or {}
    emu.mutate(DOMAIN, secure=False)
    read = run(provider.read(api.ReadRequest(URN, id_, state, inputs)))
    assert plain(read.properties)["secure"] is False
    assert plain(read.inputs)["secure"] is True  # the next `up` repairs it


def test_import_reads_with_nothing_but_an_id(provider: NativeProvider, emu: Emulator) -> None:
    emu.add_domain("imported.example.com", secure=False, default=True)
    emu.clear_requests()
    read = run(provider.read(api.ReadRequest(URN, "imported.example.com", {}, {})))
    assert read.resource_id == "imported.example.com"
    # The inputs declare what was found (on the provider's API base), so the imported resource previews unchanged.
    found = plain(read.inputs)
    assert {k: found.get(k) for k in ("domain", "secure", "default", "apiUrl")} == {
        "domain": "imported.example.com", "secure": False, "default": True, "apiUrl": emu.base_url}
    # Two reads: the owner (a bare id names the primary account's domain; import_id) and the domain itself.
    assert emu.count() == emu.count(method="GET") == 2


def test_a_domain_gone_out_of_band_reads_as_gone(provider: NativeProvider, emu: Emulator) -> None:
    id_, state = created(provider)
    emu.remove(DOMAIN)
    read = run(provider.read(api.ReadRequest(URN, id_, state, {})))
    assert not read.resource_id and read.properties == {}


def test_update_and_delete(provider: NativeProvider, emu: Emulator) -> None:
    id_, state = created(provider)
    news = check(provider, domain=DOMAIN, secure=False).inputs or {}
    emu.clear_requests()
    preview = run(provider.update(api.UpdateRequest(URN, id_, state, news, 60, [], True)))
    assert plain(preview.properties)["secure"] is False and plain(preview.properties)["port"] == rpc.UNKNOWN
    assert emu.count() == 0
    updated = run(provider.update(api.UpdateRequest(URN, id_, state, news, 60, [], False)))
    assert plain(updated.properties)["port"] == 80 and emu.get(DOMAIN)["secure"] is False  # type: ignore[index]
    destroy = configured(emu)  # the destroy is a later deployment
    run(destroy.delete(api.DeleteRequest(URN, id_, updated.properties, 60)))
    assert emu.domains() == []


# ---- the association, served natively by the same table -----------------------------------------

ASSOCIATION_URN = "urn:pulumi:test::proj::sparkpost-tracking:index:TrackingDomainAssociation::a"


def test_an_imported_unverified_domain_declares_verify_false_and_previews_unchanged(provider: NativeProvider,
                                                                                    emu: Emulator) -> None:
    emu.add_domain("imported.example.com", secure=True)  # created in the UI, not verified yet
    read = run(provider.read(api.ReadRequest(URN, "imported.example.com", {}, {})))
    declared = plain(read.inputs)
    assert declared["verify"] is False and declared["managedCertificate"] is False
    diff = run(provider.diff(api.DiffRequest(URN, "imported.example.com", read.properties, read.inputs, [])))
    assert diff.changes is False  # the program that declares what was found changes nothing


def test_association_through_the_native_provider(provider: NativeProvider, emu: Emulator) -> None:
    emu.add_domain(DOMAIN, secure=True, verified=True)
    emu.add_sending_domain("example.com")
    checked = run(provider.check(api.CheckRequest(ASSOCIATION_URN, {}, wire(
        sendingDomain="Example.com", trackingDomain=DOMAIN), b"")))
    assert not checked.failures and plain(checked.inputs)["sendingDomain"] == "example.com"
    assert plain(checked.inputs)["apiUrl"] == emu.base_url  # the provider's endpoint default
    emu.clear_requests()
    made = run(provider.create(api.CreateRequest(ASSOCIATION_URN, checked.inputs, 60, False)))
    assert made.resource_id == "example.com" and [r.method for r in emu.requests()] == ["GET", "PUT"]
    assert emu.get_sending_domain("example.com")["tracking_domain"] == DOMAIN  # type: ignore[index]
    later = configured(emu)  # refresh and destroy are later deployments
    emu.associate("example.com", "")
    refreshed = run(later.read(api.ReadRequest(ASSOCIATION_URN, "example.com", made.properties, checked.inputs)))
    assert plain(refreshed.properties)["trackingDomain"] == "" and plain(refreshed.inputs)["trackingDomain"] == DOMAIN
    emu.associate("example.com", DOMAIN)
    run(later.delete(api.DeleteRequest(ASSOCIATION_URN, "example.com", made.properties, 60)))
    assert emu.requests()[-1].body == {"tracking_domain": ""}


def test_association_failures_carry_the_wire_names(provider: NativeProvider) -> None:
    checked = run(provider.check(api.CheckRequest(ASSOCIATION_URN, {}, wire(sendingDomain="example.com"), b"")))
    assert [f.property for f in checked.failures] == ["trackingDomain"]


# ---- the managed certificate's life ---------------------------------------------------------

def test_a_managed_certificate_reports_its_dates_on_the_wire(provider: NativeProvider, emu: Emulator) -> None:
    _, state = created(provider, managedCertificate=True)
    certificate = emu.get(DOMAIN)["tls_certificate"]  # type: ignore[index]
    props = plain(state)
    assert (props["certificateIssuedAt"], props["certificateExpiresAt"]) == (certificate["issued_at"],
                                                                            certificate["expires_at"])
    assert props.get("certificateError") is None


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_each_error_code_ends_the_native_create_at_its_first_report_with_its_fix(provider: NativeProvider,
                                                                                  emu: Emulator, code: str) -> None:
    configure(provider, apiKey=PropertyValue(KEY).with_secret(True), apiUrl=emu.base_url, verifyInterval="0",
              retryBackoff="0.01", certificateTimeout="600")
    emu.update_settings(tls_pending_reads=1)
    emu.fail_issuance(code, domain=DOMAIN)
    checked = check(provider, domain=DOMAIN, managedCertificate=True)
    assert checked.inputs is not None
    with pytest.raises(ManagedCertificateError) as raised:
        create(provider, checked.inputs)
    message = in_wire_words(str(raised.value))  # what the plugin's server sends the engine
    assert f"error_code {code}" in message and ERROR_CODES[code].fix.format(domain=DOMAIN) in message
    calls = [(r.method, r.path.rsplit("/", 1)[-1]) for r in emu.requests()]
    enable = calls.index(("POST", "enable"))
    assert calls[enable + 1:] == [("GET", DOMAIN), ("GET", DOMAIN), ("DELETE", DOMAIN)]


def test_check_config_refuses_a_misspelt_key_as_the_python_path_does() -> None:
    # Ignored, the misspelt key would leave the default in force; the stack program's own keys share the namespace.
    native = NativeProvider(schema=lambda: "{}")
    request = api.CheckRequest("urn:pulumi:test::proj::pulumi:providers:sparkpost-tracking::default", {},
                               wire(verifyTimout="5", domains=[{"domain": "x"}], version="0.2.0"), b"")
    [failure] = run(native.check_config(request)).failures or []
    assert failure.property == "verifyTimout"
    assert "Did you mean 'sparkpost-tracking:verifyTimeout'?" in failure.reason


def test_a_plain_text_key_and_a_misspelt_key_are_both_refused(provider: NativeProvider) -> None:
    with pytest.raises(ConfigurationError) as caught:
        configure(provider, apiKey=KEY, verifyTimout="5")
    said = str(caught.value)
    assert said.startswith("verifyTimout: is not a setting of the sparkpost-tracking provider.")
    assert "; sparkpost-tracking:apiKey: holds an API key in plain text" in said and KEY not in said
