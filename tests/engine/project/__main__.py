"""A minimal stack of raw TrackingDomain resources for the engine tests and benchmarks.

Config (project namespace ``engine-test``):
- ``apiUrl``: the emulator's API base.
- ``domains``: a list of ``{domain, name?, <any TrackingDomain input>...}``; the resource name defaults to the
  domain, ``api_url`` to ``apiUrl``.
"""

import pulumi

from sparkpost_tracking.dynamic_providers import TrackingDomain

config = pulumi.Config()
api_url = config.require("apiUrl")
for entry in config.require_object("domains"):
    name = entry.get("name", entry["domain"])
    args = {"api_url": api_url, **{key: value for key, value in entry.items() if key != "name"}}
    domain = TrackingDomain(name, args)
    pulumi.export(name, {"verified": domain.verified, "port": domain.port})
