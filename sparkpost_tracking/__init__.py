"""Secure SparkPost engagement-tracking domains as one Pulumi stack.

The package has one job per subpackage:

- ``sparkpost_tracking.components``: the four Pulumi components (Cloudflare, CloudFront, Fastly, and
  SparkPost-managed HTTPS) that build certificate → CDN → DNS → SparkPost for one tracking domain;
- ``sparkpost_tracking.dynamic_providers``: the SparkPost API client and the ``TrackingDomain`` dynamic resource;
- ``sparkpost_tracking.emulator``: a stateful SparkPost API emulator on loopback (the ``[emulator]`` extra);
- ``sparkpost_tracking.stack``: the stack program that turns stack config into components.

Importing this package loads nothing else.
"""

__version__ = "0.2.0"
