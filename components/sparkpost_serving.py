"""The SparkPost end of every chain, as the serving declarations name it (read by review and the policy pack).

The tracking domain carries the links sent through it, and names the chain's domain, region and account. A
sending domain's association says where new mail's links point: moving or dropping it moves mail, links already
sent keep working. Both live under a component or on their own, tied to their domain by an input. A sending domain is
mail's identity, not a link's: deleting or replacing it makes the mail sent from it fail (SparkPost's delete
warning), so review judges it on its own, under its own name.
"""

from __future__ import annotations

from typing import Final

from sparkpost_tracking.dynamic_providers.types import ASSOCIATION, SENDING_DOMAIN, TRACKING_DOMAIN

from .serving import Carries, Link, Serving

RESOURCES: Final[tuple[Serving, ...]] = (
    *(Serving(token, Link.SPARKPOST, Carries.LINKS, domain_input="domain", is_tracking_domain=True)
      for token in TRACKING_DOMAIN.tokens),
    *(Serving(token, Link.ASSOCIATION, Carries.MAIL, domain_input="tracking_domain")
      for token in ASSOCIATION.tokens),
    *(Serving(token, Link.SPARKPOST, Carries.SENDING, domain_input="domain") for token in SENDING_DOMAIN.tokens),
)
