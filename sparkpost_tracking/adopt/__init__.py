"""``sparkpost-tracking import``: an account's tracking domains and associations, as code to adopt them.

One module a job: ``options`` (the command line), ``account`` (one listing of each kind, and the selection),
``plan`` (the checks: what is adopted, what is reported and left out), ``names`` (stable resource names),
``bulk_file`` (``--out``, Pulumi's bulk-import file), ``cdn_inference`` (the CDN a domain's CNAME shows) and
``stack_config`` (``--stack-config``, entries for this repository's stack program), ``run`` (one run). It only
reads SparkPost: two GETs, however large the account.
"""
