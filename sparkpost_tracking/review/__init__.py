"""``sparkpost-tracking review``: what a ``pulumi preview`` would do to the links already sent.

Every link in every email ever sent points at a tracking domain, so a change that deletes or replaces a live
chain's SparkPost domain, host DNS record or CDN, or stops it serving the domain, breaks those links for good.
``review`` reads ``pulumi preview --json --show-sames --show-replacement-steps`` and gives each tracking domain
one verdict; it sends no SparkPost request.

One module a job: ``preview`` (reading the engine's document), ``chains`` (steps grouped by tracking domain, and
what each chain's links need), ``verdicts`` (what one planned step does to a domain, by the serving
declarations of ``components/*_serving.py``), ``review`` (the verdicts, and what the document itself says),
``report`` (Markdown and the JSON schema ``sparkpost-tracking/review/1``) and ``command`` (the command line).
"""

from .preview import BadPreview, Preview, read_preview
from .review import Review, review

__all__ = ["BadPreview", "Preview", "Review", "read_preview", "review"]
