"""``--from-stack``: what the current Pulumi stack says of a domain, read with the ``pulumi`` CLI.

The stack program exports ``trackingDomains``: per domain its ``cnameTarget`` (where DNS must point), ``cdn``, and
the SparkPost account (``region``, ``apiUrl``, ``subaccountId``). With ``--sparkpost-verify`` the stack's config is
read too, for ``sparkpost:apiKey`` (decrypted by the CLI, kept in memory, never shown).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from .options import CheckOptions, UsageError

OUTPUT = "trackingDomains"
#: Reading outputs or config is local (or one request to the backend): bounded all the same.
CLI_TIMEOUT = 60.0


@dataclass(frozen=True)
class StackDomain:
    cname_target: str | None
    cdn: str | None
    region: str | None
    api_url: str | None
    subaccount_id: int | None


def stack_domain(options: CheckOptions) -> StackDomain:
    outputs = _pulumi(options, "stack", "output", OUTPUT, "--json")
    if not isinstance(outputs, dict) or not outputs:
        raise UsageError(f"--from-stack: the stack has no output {OUTPUT!r}; run 'pulumi up' first, or give "
                         "--expect-target")
    entry = {str(k).lower(): v for k, v in outputs.items()}.get(options.domain)
    if not isinstance(entry, dict):
        raise UsageError(f"--from-stack: {options.domain} is not in the stack's {OUTPUT} "
                         f"({', '.join(sorted(outputs))})")
    subaccount = entry.get("subaccountId")
    return StackDomain(
        cname_target=_text(entry.get("cnameTarget")),
        cdn=_text(entry.get("cdn")),
        region=_text(entry.get("region")),
        api_url=_text(entry.get("apiUrl")),
        subaccount_id=int(subaccount) if isinstance(subaccount, int | float) else None,
    )


def stack_config(options: CheckOptions) -> dict[str, Any]:
    """The stack's ``sparkpost:*`` config values, secrets decrypted (for the SparkPost key only)."""
    config = _pulumi(options, "config", "--json", "--show-secrets")
    if not isinstance(config, dict):
        return {}
    return {key: item.get("value") for key, item in config.items()
            if key.startswith("sparkpost:") and isinstance(item, dict)}


def _pulumi(options: CheckOptions, *args: str) -> Any:
    cli = shutil.which("pulumi")
    if cli is None:
        raise UsageError("--from-stack: the pulumi CLI is not on PATH; install it, or give --expect-target")
    command = [cli, *args, "--non-interactive"] + (["--stack", options.stack] if options.stack else [])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise UsageError(f"--from-stack: 'pulumi {args[0]} {args[1]}' did not finish in {CLI_TIMEOUT:g} s") from None
    if done.returncode != 0:
        # The CLI's own message (no stack selected, not logged in ...); config values never appear in it.
        message = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        raise UsageError(f"--from-stack: 'pulumi {' '.join(args[:2])}' failed: {message[0]} "
                         "(run in the stack's project directory, or give --stack NAME)")
    try:
        return json.loads(done.stdout or "null")
    except ValueError:
        raise UsageError(f"--from-stack: 'pulumi {' '.join(args[:2])}' did not print JSON") from None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
