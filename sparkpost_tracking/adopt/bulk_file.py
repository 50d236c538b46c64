"""``--out``: a Pulumi bulk-import file (``pulumi import -f FILE``) of the plugin's native resources.

Each entry is ``{type, name, id}``: the type token of the native resource, a stable name (``names``), and the
import id ``<domain>[,<subaccount id>]`` the plugin reads (``plugin.import_id``). Pulumi imports each one with a
Read, generates the program's code for it, and protects it, as its import convention says.
"""

from __future__ import annotations

from typing import Any

from sparkpost_tracking.dynamic_providers.import_ids import ImportId
from sparkpost_tracking.plugin.native import ASSOCIATION, TRACKING_DOMAIN

from .names import association_name, domain_name
from .plan import Plan


def bulk_import(plan: Plan) -> dict[str, Any]:
    resources = [{"type": TRACKING_DOMAIN.token, "name": domain_name(d.domain),
                  "id": str(ImportId(d.domain, d.subaccount_id))} for d in plan.domains]
    resources += [{"type": ASSOCIATION.token, "name": association_name(s.domain),
                   "id": str(ImportId(s.domain, s.subaccount_id, "sending_domain"))} for s in plan.associations]
    return {"resources": resources}
