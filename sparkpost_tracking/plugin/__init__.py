"""The provider plugin ``pulumi-resource-sparkpost-tracking``: this package for every Pulumi language.

Installed with the package (a console script), it serves the package ``sparkpost-tracking``:

- the four components (``sparkpost-tracking:index:<ClassName>``), built here in Python and ending in
- the native ``sparkpost-tracking:index:TrackingDomain``, run by the same SparkPost code as the Python dynamic
  resource (``native`` lists the natively served resources; ``provider`` answers the engine);
- the package schema (``schema``), derived from the declarations, and the provider config (``config``).

A Python program may register the native resource too: ``sparkpost_tracking.plugin.resources.TrackingDomain``.
Python programs' components keep the dynamic ``TrackingDomain`` unless they are hosted by this plugin.
"""
