"""``pulumi-resource-sparkpost-tracking``: the provider plugin the engine starts (``ENGINE_ADDRESS`` and flags),
or ``pulumi-resource-sparkpost-tracking schema`` to print the package schema it serves."""

from __future__ import annotations

import asyncio
import os
import sys


def main(argv: list[str] | None = None) -> int:
    engine = os.getppid()  # first, before the imports below take a second: the engine started us
    args = sys.argv[1:] if argv is None else argv
    from .server import schema_json, serve

    if args == ["schema"]:
        sys.stdout.write(schema_json())
        return 0
    # The engine passes its address last, after flags such as --logtostderr, -v=9 or --tracing URL.
    positional = [a for a in args if not a.startswith("-")]
    if not positional:
        sys.stderr.write("usage: pulumi-resource-sparkpost-tracking ENGINE_ADDRESS (started by the Pulumi engine)\n"
                         "       pulumi-resource-sparkpost-tracking schema\n")
        return 2
    try:
        asyncio.run(serve(positional[-1], args, parent=engine))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
