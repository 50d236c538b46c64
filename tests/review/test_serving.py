"""The serving declarations (``components/*_serving.py``), requirement by requirement: each holds on what the
component registers, fails with the reason a reviewer reads when its input stops serving, and cannot judge a value
the preview does not know. Pure functions on plain inputs: no Pulumi, no mocks."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sparkpost_tracking.components import cloudflare_serving as cfl
from sparkpost_tracking.components import cloudfront_serving as cfr
from sparkpost_tracking.components import dns_serving as dns
from sparkpost_tracking.components import fastly_serving as fst
from sparkpost_tracking.components.serving import (
    UNKNOWN,
    CannotSee,
    Carries,
    Chain,
    Inputs,
    Link,
    Severity,
    covers,
    declarations,
    host,
    known,
    ttl_longer,
)

D = "track.example.com"
ARN = "arn:aws:acm:us-east-1:123456789012:certificate/own"
CHAIN = Chain(D, frozenset({"spgo.io"}), frozenset({"d1.cloudfront.net", "v2.spgo.io"}), frozenset({ARN}))
DISTRIBUTION: dict[str, Any] = {
    "enabled": True, "aliases": [D],
    "origins": [{"originId": "sparkpost", "domainName": "spgo.io", "originPath": "",
                 "customOriginConfig": {"originProtocolPolicy": "match-viewer", "httpPort": 80, "httpsPort": 443},
                 "customHeaders": [{"name": "X-Forwarded-Host", "value": D}]}],
    "defaultCacheBehavior": {"targetOriginId": "sparkpost", "viewerProtocolPolicy": "allow-all"},
    "viewerCertificate": {"acmCertificateArn": ARN, "sslSupportMethod": "sni-only"},
}
SERVICE: dict[str, Any] = {
    "domains": [{"name": D}], "defaultTtl": 10,
    "backends": [{"name": "sparkpost", "address": "spgo.io", "port": 443, "useSsl": True,
                  "sslCertHostname": "spgo.io", "sslSniHostname": "spgo.io", "sslCheckCert": True}],
}
RECORD: dict[str, Any] = {"name": D, "type": "CNAME", "content": "spgo.io", "proxied": True}


def faults(requirements: tuple[Any, ...], inputs: dict[str, Any], chain: Chain = CHAIN) -> dict[str, str]:
    """Each requirement that does not hold, with why (``cannot see: ...`` for one the inputs do not show)."""
    found = {}
    for requirement in requirements:
        try:
            why = requirement.check(Inputs(inputs), chain)
        except CannotSee as exc:
            why = f"cannot see: {exc}"
        if why:
            found[requirement.name] = why
    return found


def edited(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    inputs = copy.deepcopy(base)
    for path, value in changes.items():
        target = inputs
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is DROP:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return inputs


DROP = object()
DIST = cfr.REQUIREMENTS[cfr.DISTRIBUTION]


def test_what_the_components_register_holds_every_requirement() -> None:
    assert faults(DIST, DISTRIBUTION) == {}
    assert faults(fst.REQUIREMENTS[fst.SERVICE], SERVICE) == {}
    assert faults(cfl.REQUIREMENTS[cfl.RECORD], RECORD) == {}
    assert faults(dns.REQUIREMENTS, {"name": D + ".", "type": "CNAME", "records": ["V2.spgo.io."]}) == {}


@pytest.mark.parametrize(("changes", "requirement", "why"), [
    ({"enabled": False}, "the distribution is enabled", "enabled is not true: CloudFront serves nothing for it"),
    ({"enabled": DROP}, "the distribution is enabled", "enabled is not true: CloudFront serves nothing for it"),
    ({"aliases": ["other.example.com"]}, "the domain is an alternate domain name (aliases)",
     "aliases ['other.example.com'] no longer hold track.example.com: CloudFront refuses its requests"),
    ({"origins__0__domainName": "eu.spgo.io"}, "every path goes to SparkPost's host",
     "the origin is 'eu.spgo.io', not SparkPost's spgo.io of the domain's account"),
    ({"defaultCacheBehavior__targetOriginId": "elsewhere"}, "every path goes to SparkPost's host",
     "a cache behavior targets no origin of the distribution"),
    ({"origins__0__originPath": "/t"}, "the origin path is empty",
     "origin path '/t': SparkPost's click paths no longer match"),
    ({"origins__0__customHeaders": []}, "X-Forwarded-Host names the domain",
     "no X-Forwarded-Host header to the origin: SparkPost sees CloudFront's Host and cannot tell the domain"),
    ({"origins__0__customHeaders__0__value": "x.example.com"}, "X-Forwarded-Host names the domain",
     "X-Forwarded-Host is 'x.example.com': SparkPost looks up that domain instead"),
    ({"origins__0__customOriginConfig__httpsPort": 8443}, "the origin is reached on the standard ports",
     "https to the origin on port 8443, where SparkPost does not listen"),
    ({"defaultCacheBehavior__viewerProtocolPolicy": "https-only"}, "viewers on http are served",
     "viewer protocol policy https-only: links sent as http:// are refused"),
    ({"viewerCertificate": {"cloudfrontDefaultCertificate": True}}, "the viewer certificate is the domain's own",
     "the default *.cloudfront.net certificate: https links to the domain fail"),
    ({"viewerCertificate": {"sslSupportMethod": "sni-only"}}, "the viewer certificate is the domain's own",
     "no certificate of the domain's"),
    ({"viewerCertificate__acmCertificateArn": "arn:other"}, "the viewer certificate is the domain's own",
     "arn:other is not a certificate the preview shows for track.example.com"),
    ({"origins__0__customOriginConfig__originProtocolPolicy": "https-only"},
     "the viewer's protocol is matched towards the origin", "origin protocol policy is https-only (use match-viewer)"),
    ({"defaultCacheBehavior__viewerProtocolPolicy": "redirect-to-https"}, "http links served without a redirect",
     "viewer protocol policy redirect-to-https (use allow-all)"),
    ({"aliases": UNKNOWN}, "the domain is an alternate domain name (aliases)", "cannot see: aliases is computed "
                                                                                 "during the update"),
    ({"origins__0__customHeaders__0__value": UNKNOWN}, "X-Forwarded-Host names the domain",
     "cannot see: origins[0].customHeaders[0].value is computed during the update"),
])
def test_a_distribution_that_stops_serving_says_why(changes: dict[str, Any], requirement: str, why: str) -> None:
    assert faults(DIST, edited(DISTRIBUTION, **changes)) == {requirement: why}


def test_the_distribution_s_ports_follow_its_origin_protocol_policy_and_ordered_behaviors_are_judged() -> None:
    http_only = edited(DISTRIBUTION, origins__0__customOriginConfig__originProtocolPolicy="http-only",
                       origins__0__customOriginConfig__httpsPort=8443)
    assert faults(DIST, http_only) == {}
    https_only = edited(DISTRIBUTION, origins__0__customOriginConfig__originProtocolPolicy="https-only",
                        origins__0__customOriginConfig__httpPort=8080)
    assert set(faults(DIST, https_only)) == {"the viewer's protocol is matched towards the origin"}
    ordered = edited(DISTRIBUTION, orderedCacheBehaviors=[{"pathPattern": "/f/*", "targetOriginId": "other",
                                                           "viewerProtocolPolicy": "allow-all"}])
    ordered["origins"].append({"originId": "other", "domainName": "example.net"})
    assert faults(DIST, ordered)["every path goes to SparkPost's host"].startswith("the origin is 'example.net'")
    assert faults(DIST, DISTRIBUTION, Chain(D))["every path goes to SparkPost's host"] == (
        "cannot see: the preview does not show the SparkPost host of the domain's account")


@pytest.mark.parametrize(("config", "forwards"), [
    ({"headerBehavior": "none"}, False),
    ({"headerBehavior": "whitelist", "headers": {"items": ["user-AGENT"]}}, True),
    ({"headerBehavior": "whitelist", "headers": {"items": ["Accept"]}}, False),
    ({"headerBehavior": "whitelist"}, False),
    ({"headerBehavior": "allViewer"}, True),
    ({"headerBehavior": "allViewerAndWhitelistCloudFront"}, True),
    ({}, False),
])
def test_user_agent_forwarded_by_the_origin_request_policy(config: dict[str, Any], forwards: bool) -> None:
    [user_agent, target] = cfr.REQUIREMENTS[cfr.ORIGIN_REQUEST_POLICY]
    why = user_agent.check(Inputs({"headersConfig": config}), CHAIN)
    assert (why is None) is forwards
    if not forwards:
        assert why == f"header behavior {config.get('headerBehavior')!r} does not forward User-Agent"
    assert target.check(Inputs({"queryStringsConfig": {"queryStringBehavior": "all"}}), CHAIN) is None
    assert target.check(Inputs({"queryStringsConfig": {"queryStringBehavior": "whitelist", "queryStrings": {
        "items": ["target"]}}}), CHAIN) is None
    assert target.check(Inputs({"queryStringsConfig": {"queryStringBehavior": "none"}}), CHAIN) == (
        "query string behavior 'none' does not forward target")


@pytest.mark.parametrize(("inputs", "why"), [
    ({"defaultTtl": 10, "maxTtl": 10}, None), ({"defaultTtl": 11}, "default TTL is 11 s"),
    ({"maxTtl": 3600.0}, "max TTL is 3600 s"), ({"defaultTtl": True}, None), ({}, None),
])
def test_the_cache_policy_s_ttl_is_advised(inputs: dict[str, Any], why: str | None) -> None:
    [ttl] = cfr.REQUIREMENTS[cfr.CACHE_POLICY]
    assert ttl.severity is Severity.ADVISED and ttl.name == "cache TTL at most 10 s"
    assert ttl.check(Inputs(inputs), CHAIN) == why


@pytest.mark.parametrize(("inputs", "holds"), [
    ({"domainName": D}, True), ({"domainName": "TRACK.example.com."}, True),
    ({"domainName": "example.com", "subjectAlternativeNames": [D]}, True),
    ({"domainName": "*.example.com"}, True), ({"domainName": "*.com"}, False),
    ({"domainName": "other.example.com"}, False),
])
def test_an_acm_certificate_covers_its_domain(inputs: dict[str, Any], holds: bool) -> None:
    [covering] = cfr.REQUIREMENTS[cfr.CERTIFICATE]
    why = covering.check(Inputs(inputs), CHAIN)
    assert (why is None) is holds
    if not holds:
        assert why == f"it is for {inputs['domainName']}, not {D}"


def test_the_certificates_a_chain_knows_come_from_its_distribution_and_its_covering_certificates() -> None:
    way = declarations().ways["cloudfront"]
    [distribution] = [s for s in way.resources if s.type == cfr.DISTRIBUTION]
    [certificate] = [s for s in way.resources if s.type == cfr.CERTIFICATE]
    assert distribution.certificate_ids is not None and certificate.certificate_ids is not None
    assert distribution.certificate_ids(Inputs(DISTRIBUTION), Inputs({}), D) == {ARN}
    assert distribution.certificate_ids(Inputs({}), Inputs({}), D) == set()
    assert certificate.certificate_ids(Inputs({"domainName": D}), Inputs({"arn": ARN}), D) == {ARN}
    assert certificate.certificate_ids(Inputs({"domainName": "x.example.net"}), Inputs({"arn": ARN}), D) == set()
    assert certificate.certificate_ids(Inputs({"domainName": D}), Inputs({}), D) == set()
    assert distribution.serves_at is not None
    assert distribution.serves_at(Inputs({"domainName": "D1.cloudfront.net."})) == {"d1.cloudfront.net"}
    assert distribution.serves_at(Inputs({})) == set()


SVC = fst.REQUIREMENTS[fst.SERVICE]


@pytest.mark.parametrize(("changes", "requirement", "why"), [
    ({"domains": [{"name": "x.example.com"}]}, "the service lists the domain",
     "domains ['x.example.com'] no longer hold track.example.com"),
    ({"backends__0__address": "example.net", "backends__0__sslCertHostname": "example.net",
      "backends__0__sslSniHostname": "example.net"}, "the backend is SparkPost's host",
     "backend 'sparkpost' is 'example.net', not SparkPost's spgo.io of the domain's account"),
    ({"backends__0__port": 80}, "the backend is reached on SparkPost's port",
     "backend 'sparkpost' on port 80 with TLS, where SparkPost listens on 443"),
    ({"backends__0__useSsl": False}, "the backend is reached on SparkPost's port",
     "backend 'sparkpost' on port 443 without TLS, where SparkPost listens on 80"),
    ({"backends__0__sslCertHostname": "x.spgo.io"}, "the backend's certificate is checked against its own name",
     "backend 'sparkpost' has ssl_cert_hostname 'x.spgo.io', but SparkPost's host is spgo.io"),
    ({"backends__0__overrideHost": "spgo.io"}, "the viewer's Host reaches SparkPost (no override_host)",
     "backend 'sparkpost' overrides Host with 'spgo.io'"),
    ({"backends__0__sslSniHostname": "v2.spgo.io"}, "SNI names SparkPost's host",
     "backend 'sparkpost' has ssl_sni_hostname 'v2.spgo.io', but SparkPost's host is spgo.io"),
    ({"defaultTtl": 300}, "cache TTL at most 10 s", "default TTL is 300 s"),
    ({"requestSettings": [{"forceSsl": True}]}, "http (port 80) served as well as https",
     "force_ssl turns http requests away"),
    ({"backends": []}, "the backend is SparkPost's host", "the service has no backend"),
])
def test_a_fastly_service_that_stops_serving_says_why(changes: dict[str, Any], requirement: str, why: str) -> None:
    assert faults(SVC, edited(SERVICE, **changes)) == {requirement: why}


def test_fastly_passes_what_keeps_serving() -> None:
    assert faults(SVC, edited(SERVICE, backends__0__overrideHost=D.upper())) == {}
    assert faults(SVC, edited(SERVICE, backends__0__sslCheckCert=False, backends__0__sslCertHostname="x")) == {}
    plain = {"name": "sparkpost", "address": "spgo.io", "port": 80}
    assert faults(SVC, edited(SERVICE, backends=[plain])) == {}
    assert faults(SVC, edited(SERVICE, backends=[{"name": "sparkpost", "address": "spgo.io"}])) == {}
    [covering] = fst.REQUIREMENTS[fst.TLS_SUBSCRIPTION]
    assert covering.check(Inputs({"domains": [D]}), CHAIN) is None
    assert covering.check(Inputs({"domains": ["x.example.com"]}), CHAIN) == (
        "its domains ['x.example.com'] no longer hold track.example.com")


@pytest.mark.parametrize(("changes", "requirement", "why"), [
    ({"proxied": False}, "the record is proxied", "proxied is off (DNS only): nothing serves https for the host"),
    ({"proxied": DROP}, "the record is proxied", "proxied is off (DNS only): nothing serves https for the host"),
    ({"name": "other.example.com"}, "the record is the host's",
     "the record is now named 'other.example.com': track.example.com loses it"),
    ({"content": "example.net"}, "the record sends the host to SparkPost's host",
     "it points at 'example.net', not SparkPost's spgo.io"),
    ({"type": "A"}, "the record sends the host to SparkPost's host", "a A record, not a CNAME to spgo.io"),
])
def test_a_cloudflare_record_that_stops_serving_says_why(changes: dict[str, Any], requirement: str, why: str) -> None:
    assert faults(cfl.REQUIREMENTS[cfl.RECORD], edited(RECORD, **changes)) == {requirement: why}


@pytest.mark.parametrize(("rule", "requirement", "why"), [
    ({"actionParameters": {"ssl": "strict"}}, "SSL towards SparkPost is not Full (strict)",
     "a rule sets SSL 'strict': Cloudflare answers every click with 526"),
    ({"actionParameters": {"ssl": "origin_pull"}}, "SSL towards SparkPost is not Full (strict)",
     "a rule sets SSL 'origin_pull': Cloudflare answers every click with 526"),
    ({"description": "route", "actionParameters": {"hostHeader": "spgo.io"}},
     "no rule overrides the Host SparkPost reads", "rule 'route' overrides the Host header"),
    ({"expression": "(http.host eq \"x\")", "actionParameters": {"origin": {"host": "spgo.io"}}},
     "no rule overrides the Host SparkPost reads", "rule '(http.host eq \"x\")' overrides the Host header"),
    ({"actionParameters": {"edgeTtl": {"default": 3600}}}, "cache TTL at most 10 s", "edge TTL is 3600 s"),
])
def test_a_cloudflare_rule_that_stops_serving_says_why(rule: dict[str, Any], requirement: str, why: str) -> None:
    assert faults(cfl.REQUIREMENTS[cfl.RULESET], {"rules": [rule]}) == {requirement: why}


def test_cloudflare_rules_that_keep_serving_pass() -> None:
    assert faults(cfl.REQUIREMENTS[cfl.RULESET], {"rules": [{"actionParameters": {"ssl": "full"}},
                                                             {"actionParameters": {"edgeTtl": {"default": 10}}}]}) == {}
    [page_rule] = cfl.REQUIREMENTS[cfl.PAGE_RULE]
    assert page_rule.check(Inputs({"actions": {"forwardingUrl": {"url": "x"}}}), CHAIN) is None
    assert page_rule.check(Inputs({"actions": {"hostHeaderOverride": "spgo.io"}}), CHAIN) == (
        "the page rule overrides the Host header")
    assert page_rule.check(Inputs({"actions": {"resolveOverride": "spgo.io"}}), CHAIN) == (
        "the page rule overrides the Host header")


@pytest.mark.parametrize(("record", "failing"), [
    ({"name": D, "type": "CNAME", "content": "d1.cloudfront.net"}, {}),
    ({"name": D, "type": "A", "aliases": [{"name": "d1.cloudfront.net."}]}, {}),
    ({"name": D, "type": "AAAA", "aliases": [{"name": "d1.cloudfront.net"}]}, {}),
    ({"name": D, "type": "A", "records": ["192.0.2.1"]},
     {"the record answers for the host": "a A record, where the host needs a CNAME (or a Route 53 alias) to the "
                                         "chain",
      "the record points at the chain": "it points at 192.0.2.1, where the chain does not serve the domain "
                                        "(d1.cloudfront.net, v2.spgo.io)"}),
    ({"name": D, "content": "v2.spgo.io"},
     {"the record answers for the host": "a typeless record, where the host needs a CNAME (or a Route 53 alias) to "
                                         "the chain"}),
    ({"name": D, "type": "CNAME"},
     {"the record points at the chain": "it points at nothing, where the chain does not serve the domain "
                                        "(d1.cloudfront.net, v2.spgo.io)"}),
    ({"name": "x.example.com", "type": "CNAME", "records": ["v2.spgo.io"]},
     {"the record is the host's": "the record is now named 'x.example.com': track.example.com loses it"}),
])
def test_the_host_s_record_must_keep_the_name_and_point_at_the_chain(record: dict[str, Any],
                                                                     failing: dict[str, str]) -> None:
    assert faults(dns.REQUIREMENTS, record) == failing


def test_a_record_s_target_cannot_be_judged_without_the_chain_s_addresses() -> None:
    assert faults(dns.REQUIREMENTS, {"name": D, "type": "CNAME", "records": ["x"]}, Chain(D)) == {
        "the record points at the chain": "cannot see: the preview does not show where the chain serves the domain"}
    assert dns.targets(Inputs({"records": ["A."], "content": "b", "aliases": [{"name": "C"}]})) == {"a", "b", "c"}


def test_inputs_read_either_spelling_and_never_judge_an_unknown() -> None:
    inputs = Inputs({"viewerCertificate": {"acmCertificateArn": "a"}, "snake_case": 1, "list": [1, UNKNOWN],
                     "empty": None}, "where")
    assert inputs.get("viewer_certificate", "acm_certificate_arn") == "a"
    assert inputs.get("snake_case") == 1 and inputs.get("missing", default=5) == 5
    assert inputs.get("empty", default=7) == 7 and inputs.get("snake_case", "deeper", default=3) == 3
    with pytest.raises(CannotSee) as info:
        inputs.get("list")
    assert info.value.what == "where.list" and info.value.computed
    assert inputs.get("list", whole=False) == [1, UNKNOWN]
    with pytest.raises(CannotSee):
        Inputs({"a": UNKNOWN}).get("a", "b")
    assert [i.values for i in Inputs({"o": [{"x": 1}, "s", {"y": 2}]}).items("o")] == [{"x": 1}, {"y": 2}]
    assert Inputs({"o": "s"}).items("o") == [] and Inputs(None).get("a") is None
    assert Inputs({"n": ["A.example.com.", 3]}).names("n") == {"a.example.com"}
    assert Inputs({"n": "Solo.example.com"}).names("n") == {"solo.example.com"}
    with pytest.raises(CannotSee) as info:
        known(None, "the thing")
    assert not info.value.computed and str(info.value) == "the preview does not show the thing"
    assert known(frozenset({"x"}), "it") == {"x"}


def test_an_unknown_value_beside_what_a_requirement_reads_does_not_hide_it() -> None:
    beside = edited(DISTRIBUTION, viewerCertificate__minimumProtocolVersion=UNKNOWN,
                    origins__0__customOriginConfig__originSslProtocols=UNKNOWN)
    assert faults(DIST, beside) == {}
    [user_agent, _target] = cfr.REQUIREMENTS[cfr.ORIGIN_REQUEST_POLICY]
    assert user_agent.check(Inputs({"headersConfig": {"headerBehavior": "whitelist", "headers": {
        "items": ["User-Agent"]}, "other": UNKNOWN}}), CHAIN) is None
    with pytest.raises(CannotSee) as info:
        user_agent.check(Inputs({"headersConfig": {"headerBehavior": UNKNOWN}}), CHAIN)
    assert info.value.what == "headersConfig.headerBehavior"
    assert faults(DIST, edited(DISTRIBUTION, viewerCertificate__acmCertificateArn=UNKNOWN)) == {
        "the viewer certificate is the domain's own": "cannot see: viewerCertificate.acmCertificateArn is computed "
                                                      "during the update"}
    assert faults(cfl.REQUIREMENTS[cfl.PAGE_RULE], {"actions": {"hostHeaderOverride": UNKNOWN}}) == {
        "no rule overrides the Host SparkPost reads": "cannot see: actions.hostHeaderOverride is computed during "
                                                      "the update"}


def test_the_small_words() -> None:
    assert host(" Track.Example.com. ") == "track.example.com" and host(None) == ""
    assert covers(["*.example.com"], D) and not covers(["*.track.example.com"], D) and not covers([], D)
    assert covers(["TRACK.example.com."], D) and not covers(["*.x"], "x")
    assert ttl_longer("t", 10) is None and ttl_longer("t", 10.5) == "t is 10.5 s" and ttl_longer("t", False) is None


def test_the_declarations_pick_the_way_s_own_then_the_shared_ones_by_the_part_the_inputs_play() -> None:
    declared = declarations()
    cloudflare, cloudfront = declared.ways["cloudflare"], declared.ways["cloudfront"]
    own = declared.serving(cfl.RECORD, cloudflare, Inputs({"name": "other.example.com"}), CHAIN)
    assert own is not None and own.link is Link.CDN  # the way's one record, whatever its name
    host_record = declared.serving(cfl.RECORD, cloudfront, Inputs({"name": D}), CHAIN)
    validation = declared.serving(cfl.RECORD, cloudfront, Inputs({"name": "_x." + D}), CHAIN)
    assert (host_record and host_record.link, validation and validation.carries) == (Link.DNS, Carries.RENEWAL)
    unsure = declared.serving(dns.ROUTE53_RECORD, cloudfront, Inputs({"name": UNKNOWN}), CHAIN)
    assert unsure is not None and unsure.carries is Carries.LINKS  # cannot tell its part: judged as serving
    assert declared.serving(fst.SERVICE, cloudfront, Inputs({}), CHAIN) is None
    loose = declared.serving(cfr.CACHE_POLICY, None, Inputs({}), None)
    assert loose is not None and loose.carries is Carries.SETTINGS
    assert declared.way_of_component("sparkpost-tracking:index:FastlyTrackingDomain") is declared.ways["fastly"]
    assert declared.way_of_component("other:index:FastlyTrackingDomain") is None
    assert declared.way_of_component("sparkpost-tracking:index:CloudFrontTrackingPolicies") is None
    assert declared.way_sharing("sparkpost-tracking:index:CloudFrontTrackingPolicies") is cloudfront
    assert declared.way_sharing("other:index:CloudFrontTrackingPolicies") is None
    assert declared.way_sharing("sparkpost-tracking:index:FastlyTrackingDomain") is None
    assert declared.for_type("nothing") == ()
    managed = declared.ways["managed"]
    assert managed.host_target is not None and managed.host_target("eu") == "eu.v2.spgo.io"
    assert (managed.managed_certificate, cloudflare.proxied_dns, cloudflare.rewrites_server) == (True, True, True)


def test_a_judgement_collects_faults_and_what_it_cannot_see() -> None:
    [distribution] = [s for s in declarations().ways["cloudfront"].resources if s.type == cfr.DISTRIBUTION]
    judged = distribution.judge(Inputs(edited(DISTRIBUTION, enabled=False, aliases=UNKNOWN,
                                              defaultCacheBehavior__viewerProtocolPolicy="redirect-to-https")),
                                CHAIN)
    assert [f.requirement.name for f in judged.failing(Severity.SERVES)] == ["the distribution is enabled"]
    assert [str(f) for f in judged.failing(Severity.ADVISED)] == [
        "http links served without a redirect: viewer protocol policy redirect-to-https (use allow-all)"]
    assert [(r.name, str(e)) for r, e in judged.unseen] == [
        ("the domain is an alternate domain name (aliases)", "aliases is computed during the update")]
