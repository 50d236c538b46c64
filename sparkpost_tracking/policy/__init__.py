"""The policy pack ``sparkpost-tracking``: what a policy can enforce of a live chain, from the code of ``review``.

A policy sees the resources a program declares, with their new inputs and options, but not the operation or the
old state, so it cannot see a delete (the engine's ``protect`` stops those). It enforces:

- ``sparkpost-live-chain-protected`` (mandatory): the resources that serve links already sent (the SparkPost
  domain, its associations, the host's DNS record, the CDN distribution or service) carry ``protect``;
- ``sparkpost-chain-serves`` (mandatory): each resource of a chain still serves its domain for SparkPost, as its
  way of serving declares it (``components/*_serving.py``: e.g. CloudFront's origin is the region's SparkPost
  host, its aliases hold the domain, ``X-Forwarded-Host`` names it; a Cloudflare record is proxied), as far as
  the preview knows the values;
- ``sparkpost-secure-behind-cdn`` (mandatory): a tracking domain behind a CDN has ``secure`` true;
- ``sparkpost-cdn-requirements`` (mandatory): what SparkPost asks of a CDN that links survive without (cache TTL
  at most 10 s, User-Agent forwarded, http served without a redirect);
- ``sparkpost-verify-on`` (advisory): tracking domains are verified.

Run it with ``pulumi preview --policy-pack "$(python -m sparkpost_tracking.policy)"`` (the command prints the
pack's folder). Needs the ``[policy]`` extra (pulumi-policy); ``rules`` alone does not.
"""

#: The extra that brings pulumi-policy.
EXTRA = "policy"
