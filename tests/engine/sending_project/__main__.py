"""A stack of raw SendingDomain resources for the engine tests (project ``sending-engine-test``).

Config: ``apiUrl`` (the emulator's API base); ``domains``, a list of ``{domain, <any SendingDomain input>...}``
(the resource name is the domain); ``protect: false`` turns off the protection ``SendingDomain`` has by default.
"""

import pulumi

from sparkpost_tracking.dynamic_providers import SendingDomain

config = pulumi.Config()
api_url = config.require("apiUrl")
opts = pulumi.ResourceOptions(protect=config.get_bool("protect"))
for entry in config.require_object("domains"):
    domain = SendingDomain(entry["domain"], {"api_url": api_url, **entry}, opts)
    pulumi.export(entry["domain"], {"dkim_record_name": domain.dkim_record_name,
                                    "dkim_record_value": domain.dkim_record_value})
