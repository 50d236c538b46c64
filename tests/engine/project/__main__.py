"""A minimal stack of raw TrackingDomain (and TrackingDomainAssociation) resources for the engine tests and bench.

Config (project namespace ``engine-test``):
- ``apiUrl``: the emulator's API base.
- ``domains``: a list of ``{domain, name?, sendingDomains?, <any TrackingDomain input>...}``; the resource name
  defaults to the domain, ``api_url`` to ``apiUrl``, and each sending domain gets an association with the
  tracking domain.
- ``protect``: false turns off the protection ``TrackingDomain`` has by default (docs/retiring.md).
"""

import pulumi

from sparkpost_tracking.dynamic_providers import TrackingDomain, TrackingDomainAssociation

config = pulumi.Config()
api_url = config.require("apiUrl")
# None keeps the class's default (protected); false is the documented way out.
opts = pulumi.ResourceOptions(protect=config.get_bool("protect"))
for entry in config.require_object("domains"):
    name = entry.get("name", entry["domain"])
    args = {"api_url": api_url, **{key: value for key, value in entry.items() if key not in ("name", "sendingDomains")}}
    domain = TrackingDomain(name, args, opts)
    for sending in entry.get("sendingDomains", []):
        TrackingDomainAssociation(f"{sending}-uses-{name}", {
            "sending_domain": sending, "tracking_domain": domain.domain, "api_url": api_url})
    pulumi.export(name, {"verified": domain.verified, "port": domain.port})
