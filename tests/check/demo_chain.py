"""Print real `sparkpost-tracking check` runs against the loopback chain of these tests (docs/check.md quotes them).

    .venv/bin/python -m tests.check.demo_chain

Runs the console script four times: a passing chain (with SparkPost's verify against the emulator, and the DKIM
record of a sending domain), a chain
broken in four places, a Cloudflare zone in "Full (strict)" (526), and a managed-HTTPS host whose parent domain's
CAA record forbids Let's Encrypt, with a 45-day certificate past its renewal time. Ports and the CA file are shown as
placeholders, so the output is the same from run to run except for dates.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import trustme

from sparkpost_tracking.dynamic_providers.dkim import DkimRecord
from sparkpost_tracking.emulator import Emulator
from tests.check.conftest import CDN_ADDRESS, DOMAIN, TARGET, correct_records
from tests.check.fake_chain import CdnBehaviour, FakeCdn, FakeSparkPost
from tests.check.fake_dns import FakeDns, Records

CONSOLE_SCRIPT = Path(sys.executable).parent / "sparkpost-tracking"
KEY = "demo-key-never-printed"
SENDING_DOMAIN = "example.com"


def show(ca: trustme.CA, ca_file: Path, leaf: trustme.LeafCert, records: Records, *extra: str,
         behaviour: CdnBehaviour | None = None, target: str = TARGET, env: dict[str, str] | None = None) -> None:
    origin = FakeSparkPost([DOMAIN])
    cdn = FakeCdn(origin, leaf, behaviour)
    try:
        with FakeDns(records) as dns:
            common = ["check", DOMAIN, "--expect-target", target]
            real = [*common, "--resolve", f"{DOMAIN}:*:127.0.0.1", "--https-port", str(cdn.https_port),
                    "--http-port", str(cdn.http_port), "--ca-file", str(ca_file), "--dns-server", dns.address, *extra]
            shown = [*common, "--resolve", f"'{DOMAIN}:*:127.0.0.1'", "--https-port", "<port>", "--http-port",
                     "<port>", "--ca-file", "test-ca.pem", "--dns-server", "127.0.0.1:<port>", *extra]
            done = subprocess.run([str(CONSOLE_SCRIPT), *real], capture_output=True, text=True, timeout=120,
                                  env={**os.environ, **(env or {})})
    finally:
        cdn.close()
        origin.close()
    output = (done.stdout + done.stderr).replace(str(ca_file), "test-ca.pem")
    print("$ sparkpost-tracking " + re.sub(r"127\.0\.0\.1:\d+/api", "127.0.0.1:<port>/api", " ".join(shown)))
    print(output + f"$ echo $?\n{done.returncode}\n")


def main() -> None:
    ca = trustme.CA()
    ca_file = Path(tempfile.mkdtemp()) / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    now = datetime.datetime.now(datetime.UTC)

    def leaf(before: int, after: int) -> trustme.LeafCert:
        return ca.issue_cert(DOMAIN, not_before=now + datetime.timedelta(days=before),
                             not_after=now + datetime.timedelta(days=after, hours=1))

    with Emulator(api_keys=[KEY]) as emulator:
        emulator.add_domain(DOMAIN, secure=True)
        dkim = emulator.add_sending_domain(SENDING_DOMAIN, tracking_domain=DOMAIN)["dkim"]
        record = DkimRecord.for_key(dkim["selector"], SENDING_DOMAIN, dkim["public"])
        show(ca, ca_file, leaf(-1, 89), {**correct_records(), record.name: [("TXT", record.quoted)]},
             "--sparkpost-verify", "--dkim", SENDING_DOMAIN, "--api-url", emulator.base_url,
             env={"SPARKPOST_API_KEY": KEY})
    show(ca, ca_file, leaf(-93, -4), {DOMAIN: [("CNAME", "spgo.io")], "spgo.io": [("A", "192.0.2.99")]},
         behaviour=CdnBehaviour(rewrite_host=True))
    show(ca, ca_file, leaf(-1, 89), {DOMAIN: [("A", "104.16.0.1")], TARGET: [("A", CDN_ADDRESS)]}, "--cdn",
         "cloudflare", behaviour=CdnBehaviour(edge_status={"https": 526}, server_header="cloudflare"),
         target="spgo.io")
    show(ca, ca_file, leaf(-35, 10), {DOMAIN: [("CNAME", "v2.spgo.io")], "v2.spgo.io": [("A", "192.0.2.20")],
                                      "example.com": [("CAA", '0 issue "digicert.com"')]}, "--cdn", "managed",
         target="v2.spgo.io")


if __name__ == "__main__":
    main()
