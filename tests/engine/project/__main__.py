"""A minimal stack of raw TrackingDomain resources for the engine tests and benchmarks.

Config (project namespace ``engine-test``):
- ``apiUrl``: the emulator's API base.
- ``domains``: a list of ``{domain, secure?, default?, name?}``; the resource name defaults to the domain.
"""

import pulumi

from sparkpost_tracking.dynamic_providers import TrackingDomain

config = pulumi.Config()
api_url = config.require("apiUrl")
for entry in config.require_object("domains"):
    name = entry.get("name", entry["domain"])
    args = {"domain": entry["domain"], "api_url": api_url}
    for key in ("secure", "default", "verify"):
        if key in entry:
            args[key] = entry[key]
    domain = TrackingDomain(name, args)
    pulumi.export(name, {"verified": domain.verified, "port": domain.port})
