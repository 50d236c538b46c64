"""A DNS server on loopback (UDP) that answers from a table, following CNAMEs as a recursive resolver does.

``records`` maps a name to its records, e.g. ``{"track.example.com": [("CNAME", "d1.cloudfront.net")],
"d1.cloudfront.net": [("A", "192.0.2.10")]}``; a name not in the table is NXDOMAIN. A name listed with
``("RCODE", "SERVFAIL")`` answers every query for it (or through a CNAME to it) with that response code, as a
zone whose name servers fail does. ``silent=True`` never answers (a resolver that times out). Built with
dnspython's message classes.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

Records = dict[str, list[tuple[str, str]]]
TTL = 300
MAX_CHAIN = 8


class FakeDns:
    def __init__(self, records: Records, *, silent: bool = False) -> None:
        self.records = {name.lower(): list(values) for name, values in records.items()}
        self.silent = silent
        self.queries: list[tuple[str, str]] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind(("127.0.0.1", 0))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="fake-dns", daemon=True)

    @property
    def address(self) -> str:
        """The value for ``--dns-server``."""
        host, port = self._sock.getsockname()
        return f"{host}:{port}"

    def __enter__(self) -> FakeDns:
        if not self.silent:
            self._sock.settimeout(0.2)  # so the loop sees the stop flag
            self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                wire, client = self._sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            query = dns.message.from_wire(wire)
            self._sock.sendto(self.answer(query).to_wire(), client)

    def answer(self, query: dns.message.Message) -> dns.message.Message:
        response = dns.message.make_response(query)
        question = query.question[0]
        wanted = dns.rdatatype.to_text(question.rdtype)
        name = question.name.to_text().lower().removesuffix(".")
        self.queries.append((name, wanted))
        for _ in range(MAX_CHAIN):
            found = self.records.get(name)
            if found is None:
                response.set_rcode(dns.rcode.NXDOMAIN)
                break
            failures = [value for kind, value in found if kind == "RCODE"]
            if failures:
                response.set_rcode(dns.rcode.from_text(failures[0]))
                break
            cnames = [value for kind, value in found if kind == "CNAME"]
            if cnames and wanted != "CNAME":
                response.answer.append(_rrset(name, "CNAME", [cnames[0]]))
                name = cnames[0].lower()
                continue
            values = [value for kind, value in found if kind == wanted]
            if values:
                response.answer.append(_rrset(name, wanted, values))
            break
        return response


def _rrset(name: str, kind: str, values: list[str]) -> dns.rrset.RRset:
    texts = [v.rstrip(".") + "." if kind == "CNAME" else v for v in values]
    return dns.rrset.from_text_list(name + ".", TTL, "IN", kind, texts)
