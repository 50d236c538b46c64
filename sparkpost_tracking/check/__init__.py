"""``sparkpost-tracking check DOMAIN``: is the live chain of one secure tracking domain right?

One module a job: ``options`` (the command line), ``dns_step``, ``caa_step`` (managed HTTPS), ``tls_step``,
``http_step`` and ``sparkpost_step`` (the steps, in the chain's order), ``connect`` (connections as a viewer
makes them), ``cdns`` (what a CDN changes in what a viewer sees), ``from_stack`` (``--from-stack``), ``run``
(one run), ``result`` and ``report`` (the rows, the table and the JSON, whose schema ``report`` documents).
Needs the ``[check]`` extra (dnspython, cryptography); importing this package loads none of it.
"""

#: The extra that brings the check's libraries, and the distributions it holds (import name -> extra).
EXTRA = "check"
EXTRA_MODULES = ("dns", "cryptography")
