"""What SparkPost-managed HTTPS needs to keep serving ``domain`` (read by review, policy and check).

No CDN: the host's record is a plain CNAME to the V2 host of the domain's region, where SparkPost serves https
with its managed (Let's Encrypt) certificate; CAA records must let Let's Encrypt issue it.
"""

from __future__ import annotations

from typing import Final

from sparkpost_tracking.dynamic_providers.hosts import managed_cname_target

from .serving import Way

WAY: Final[Way] = Way(name="managed", component="ManagedTrackingDomain", resources=(),
                      host_target=managed_cname_target, managed_certificate=True)
