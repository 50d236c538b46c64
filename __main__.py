"""Stack program: the tracking domains in stack config (``sparkpost-tracking:domains``) → secure tracking domains.

The logic lives in ``sparkpost_tracking.stack`` (tested under mocks); this file only runs it, importing the
installed package like any user's program does.
"""

from sparkpost_tracking.stack import main

main()
