"""``sparkpost-tracking review``: what a ``pulumi preview`` would do to the links already sent.

Every link in every email ever sent points at a tracking domain, so a change that deletes or replaces a live
chain's SparkPost domain, host DNS record or CDN breaks those links for good. ``review`` reads
``pulumi preview --json --show-sames`` and gives each tracking domain one verdict; it sends no SparkPost request.

One module a job: ``preview`` (reading the engine's document), ``links`` (which link of the chain a resource
type is), ``requirements`` (the CDN settings SparkPost requires, shared with the policy pack), ``verdicts``
(what one planned step does to a domain), ``review`` (steps grouped by tracking domain), ``report`` (Markdown
and the JSON schema ``sparkpost-tracking/review/1``) and ``command`` (the command line).
"""

from .preview import BadPreview, Preview, read_preview
from .review import Review, review

__all__ = ["BadPreview", "Preview", "Review", "read_preview", "review"]
