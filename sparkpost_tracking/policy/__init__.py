"""The policy pack ``sparkpost-tracking``: what a policy can enforce of a live chain, from the code of ``review``.

A policy sees the resources a program declares, with their new inputs and options, but not the operation or the
old state, so it cannot see a delete (the engine's ``protect`` stops those). It enforces:

- ``sparkpost-live-chain-protected`` (mandatory): the resources that serve links already sent (the SparkPost
  domain, its associations, the host's DNS record, the CDN distribution or service) carry ``protect``;
- ``sparkpost-secure-behind-cdn`` (mandatory): a tracking domain behind a CDN has ``secure`` true;
- ``sparkpost-cdn-requirements`` (mandatory): the CDN settings SparkPost requires (cache TTL at most 10 s, Host
  and User-Agent forwarded, port 80 served);
- ``sparkpost-verify-on`` (advisory): tracking domains are verified.

Run it with ``pulumi preview --policy-pack "$(python -m sparkpost_tracking.policy)"`` (the command prints the
pack's folder). Needs the ``[policy]`` extra (pulumi-policy); ``rules`` alone does not.
"""

#: The extra that brings pulumi-policy.
EXTRA = "policy"
