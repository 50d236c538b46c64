"""One ``check`` run: settle the expectations (options, or the stack), then every step in the chain's order."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from sparkpost_tracking.dynamic_providers.hosts import DEFAULT_REGION, MANAGED_CNAME_TARGETS

from .caa_step import STEP as CAA
from .caa_step import check_caa
from .cdns import host_target, traits
from .dkim_step import check_dkim
from .dns_step import check_dns
from .from_stack import StackDomain, stack_config, stack_domain, stack_domains
from .http_step import check_request
from .options import CheckOptions, normalize_host
from .result import Report, StepResult, skipped
from .sparkpost_step import STEP as SPARKPOST
from .sparkpost_step import Account, check_sparkpost
from .tls_step import STEPS as TLS_STEPS
from .tls_step import check_tls


def settle(options: CheckOptions, found: StackDomain | None = None) -> tuple[CheckOptions, Account, str | None]:
    """Fill what the options leave open from the stack (``--from-stack``; ``found``: its entry, already read);
    explicit options win."""
    source = "--expect-target" if options.expect_target else None
    account = Account(options.region or DEFAULT_REGION, options.api_url, options.subaccount_id)
    if not options.from_stack:
        return options, account, source
    found = found or stack_domain(options)
    if options.expect_target is None and found.cname_target:
        options = dataclasses.replace(options, expect_target=normalize_host(found.cname_target, "cnameTarget"))
        source = "stack"
    if options.cdn is None and found.cdn:
        options = dataclasses.replace(options, cdn=found.cdn)
    account = Account(options.region or found.region or DEFAULT_REGION, options.api_url or found.api_url,
                      options.subaccount_id if options.subaccount_id is not None else found.subaccount_id)
    return options, account, source




def run_check(options: CheckOptions, environ: Mapping[str, str] | None = None,
              found: StackDomain | None = None, config: dict[str, Any] | None = None) -> Report:
    options, account, source = settle(options, found)
    cdn = traits(options.cdn)
    # Managed HTTPS: said by --cdn managed (or the stack), or by a V2 host as the expected target.
    managed = cdn.managed_certificate or options.expect_target in MANAGED_CNAME_TARGETS
    if managed and options.expect_target is None:
        options = dataclasses.replace(options, expect_target=host_target("managed", account.region))
        source = "region"
    steps: list[StepResult] = []
    if "dns" in options.skip:
        steps += [skipped(step, "skipped (--skip dns)", required=False) for step in ("dns", CAA)]
    else:
        steps.append(check_dns(options, options.expect_target, proxied=cdn.proxied_dns, managed=managed))
        steps.append(check_caa(options) if managed else
                     skipped(CAA, "only for managed HTTPS (--cdn managed): a CDN's own CA is not checked",
                             required=False))
    if "tls" in options.skip:
        steps += [skipped(step, "skipped (--skip tls)", required=False) for step in TLS_STEPS]
    else:
        steps += check_tls(options)
    for scheme in ("https", "http"):
        if scheme in options.skip:
            steps.append(skipped(scheme, f"skipped (--skip {scheme})", required=False))
        else:
            steps.append(check_request(options, scheme, cdn))
    if config is None and (options.sparkpost_verify or options.dkim):
        config = stack_config(options) if options.from_stack else {}
    if options.sparkpost_verify:
        steps.append(check_sparkpost(options.domain, account, config or {}, options.timeout, environ))
    else:
        steps.append(skipped(SPARKPOST, "not asked (--sparkpost-verify, with a key)", required=False))
    steps.append(check_dkim(options, account, config or {}, environ))
    return Report(options.domain, tuple(steps), options.expect_target, source, options.cdn)


def run_all(options: CheckOptions, environ: Mapping[str, str] | None = None) -> list[Report]:
    """``--all --from-stack``: every tracking domain of the stack, the state and config read once."""
    found = stack_domains(options)
    config = stack_config(options) if options.sparkpost_verify or options.dkim else {}
    return [run_check(dataclasses.replace(options, domain=entry.domain, all_domains=False), environ, entry, config)
            for entry in found]
