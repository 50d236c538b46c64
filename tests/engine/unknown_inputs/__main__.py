"""A TrackingDomain whose domain, api_url, subaccount_id and default come from another resource's outputs.

``port`` and ``verified`` are outputs only, so they are unknown in a preview while ``source`` is to be created or
updated: ``dependent`` then reaches check and diff with unknown inputs (the pull-request preview case).

Config (namespace ``engine-test``): ``apiUrl``; ``sourceSecure`` (default true).

``dependent`` is not protected: while its domain is unknown the engine cannot rule out a replace, and it refuses
to plan one of a protected resource, so a protected ``dependent`` would fail exactly the preview this program is
for (docs/retiring.md).
"""

import pulumi

from sparkpost_tracking.dynamic_providers import TrackingDomain

config = pulumi.Config()
api_url = config.require("apiUrl")
source = TrackingDomain("source", {"domain": "source.example.com", "api_url": api_url,
                                   "secure": config.get_bool("sourceSecure") is not False})
dependent = TrackingDomain("dependent", {
    "domain": source.port.apply(lambda port: f"dep{port}.example.com"),
    "api_url": source.port.apply(lambda _: api_url),
    "subaccount_id": source.port.apply(lambda _: 7),
    "default": source.verified.apply(bool),
}, pulumi.ResourceOptions(protect=False))
pulumi.export("dependent", dependent.domain)
