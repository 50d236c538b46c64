"""Secure SparkPost engagement-tracking domains as one Pulumi stack.

The package has one job per subpackage:

- ``sparkpost_tracking.components``: the four Pulumi components (Cloudflare, CloudFront, Fastly, and
  SparkPost-managed HTTPS) that build certificate → CDN → DNS → SparkPost for one tracking domain;
- ``sparkpost_tracking.dynamic_providers``: the SparkPost API client and the ``TrackingDomain`` dynamic resource;
- ``sparkpost_tracking.emulator``: a stateful SparkPost API emulator on loopback (the ``[emulator]`` extra);
- ``sparkpost_tracking.stack``: the stack program that turns stack config into components;
- ``sparkpost_tracking.config``: the stack config this package reads, and the check that refuses misspelt,
  unknown or plain-text keys before anything is registered;
- ``sparkpost_tracking.extras``: a missing optional dependency names the pip command of its extra.

Importing this package loads nothing else.
"""

__version__ = "0.2.0"
