"""A fleet of tracking domains split across stacks: one file of domains, a stack per subaccount or per hash bucket,
each stack driven through Pulumi's Automation API, and ``review`` / ``check --all`` summed over the stacks.

``sparkpost-tracking shards`` is the command (``command``); the pieces: ``fleet`` (the file), ``plan`` (which
stack each domain goes to), ``stacks`` (one stack through ``pulumi.automation``), ``summary`` (the sums).
See docs/scaling.md.
"""
