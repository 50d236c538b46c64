"""Stack program: the tracking domains in stack config (``sparkpost-tracking:domains``) → secure tracking domains.

All the logic lives in ``components.stack`` (tested under mocks); this file only runs it.
"""

from components.stack import main

main()
