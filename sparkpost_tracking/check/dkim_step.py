"""The DKIM step: does DNS publish, for each sending domain asked about, the key SparkPost signs its mail with?

For each ``--dkim SENDING_DOMAIN``: SparkPost's sending-domain object (one ``GET /sending-domains/{domain}``, with
the key) gives the selector and the public key; the TXT record at ``{selector}._domainkey.{signing domain}`` is
asked of DNS as ``dns`` asks, its strings joined as a verifier joins them, and its tags judged as SparkPost judges
them (``dynamic_providers.dkim.key_problem``). One row for every sending domain: it passes only when each does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import dns.exception
import dns.rdatatype
import dns.resolver

from sparkpost_tracking.dynamic_providers import errors
from sparkpost_tracking.dynamic_providers.client import SparkPostClient
from sparkpost_tracking.dynamic_providers.dkim import DkimRecord, join_txt, key_problem

from .dns_step import make_resolver
from .options import CheckOptions
from .result import Status, StepResult, failed, passed, skipped
from .sparkpost_step import Account, api_failure, open_client

STEP = "dkim"
#: The grant a key needs to read sending domains.
GRANT = "Sending Domains: Read/Write"
PUBLISH = "publish it with the sending domain's DNS component (pulumi up), or by hand from its dkim_record_value"


def check_dkim(options: CheckOptions, account: Account, config: Mapping[str, Any],
               environ: Mapping[str, str] | None = None) -> StepResult:
    if not options.dkim:
        return skipped(STEP, "not asked (--dkim SENDING_DOMAIN, with a key)", required=False)
    opened = open_client(STEP, account, config, options.timeout, environ)
    if isinstance(opened, StepResult):
        return opened
    with opened as client:
        rows = [_one(client, options, account, domain) for domain in options.dkim]
    return rows[0] if len(rows) == 1 else _summary(rows)


def _one(client: SparkPostClient, options: CheckOptions, account: Account, domain: str) -> StepResult:
    try:
        found = client.get_sending_domain(domain)
    except errors.NotFound:
        return failed(STEP, f"{domain} is not a sending domain of {account.scope()}", "not_found",
                      "create it (pulumi up), or give the right --region/--api-url/--subaccount",
                      sending_domain=domain)
    except (errors.SparkPostAPIError, errors.TransportError) as exc:
        row = api_failure(STEP, exc, account, GRANT)
        return dataclasses.replace(row, detail=f"{domain}: {row.detail}", data={"sending_domain": domain})
    key = found.get("dkim") or {}
    status = (found.get("status") or {}).get("dkim_status")
    if not key.get("selector") or not key.get("public"):
        return failed(STEP, f"SparkPost holds no DKIM key for {domain}", "no_dkim_key",
                      "create the sending domain with generate_dkim (the default) or give it a key",
                      sending_domain=domain, dkim_status=status)
    record = DkimRecord.for_key(key["selector"], key.get("signing_domain") or domain, key["public"])
    facts: dict[str, Any] = {"sending_domain": domain, "record": record.name, "expected": record.value,
                             "dkim_status": status}
    try:
        answer = make_resolver(options).resolve(record.name, dns.rdatatype.TXT, raise_on_no_answer=False,
                                                search=False)
    except dns.resolver.NXDOMAIN:
        return failed(STEP, f"{domain}: no TXT record at {record.name} (NXDOMAIN)", "dkim_missing", PUBLISH,
                      **facts)
    except dns.exception.Timeout:
        return failed(STEP, f"{domain}: no answer for {record.name} within {options.timeout:g} s", "timeout",
                      "check the zone's name servers", **facts)
    except dns.exception.DNSException as exc:
        return failed(STEP, f"{domain}: the TXT lookup of {record.name} failed: {exc}", "dkim_lookup_failed",
                      "check the zone's name servers (a verifier that cannot read the key fails the signature)",
                      **facts)
    values = [join_txt(rdata.strings) for rdata in answer.rrset or ()]
    facts["found"] = values
    if not values:
        return failed(STEP, f"{domain}: {record.name} has no TXT record", "dkim_missing", PUBLISH, **facts)
    if len(values) > 1:
        return failed(STEP, f"{domain}: {record.name} has {len(values)} TXT records; a verifier reads any one of "
                            "them", "dkim_several", "keep only the record of SparkPost's key", **facts)
    problem = key_problem(values[0], key["public"])
    if problem is not None:
        return failed(STEP, f"{domain}: the TXT at {record.name} does not publish SparkPost's key: {problem}",
                      "dkim_wrong_key", f"set the TXT at {record.name} to the sending domain's dkim_record_value",
                      **facts)
    return passed(STEP, f"{domain}: the TXT at {record.name} publishes SparkPost's key"
                  + (f" (SparkPost: dkim_status {status})" if status else ""), **facts)


def _summary(rows: list[StepResult]) -> StepResult:
    """One row for several sending domains: the first failure's code and hint, every domain's detail."""
    detail = "; ".join(row.detail for row in rows)
    data = {"domains": [{"status": row.status.value, "code": row.code, **row.data} for row in rows]}
    broken = [row for row in rows if row.status is Status.FAIL]
    if broken:  # every failed row has its code and hint
        return StepResult(STEP, Status.FAIL, detail, broken[0].code, broken[0].hint, data=data)
    return passed(STEP, detail, **data)
