"""The request steps: ``https://DOMAIN/f/...`` and ``http://DOMAIN/f/...``, answered by SparkPost's click redirect.

SparkPost answers a click with 302 and ``server: msys-http``; the dummy path has no ``Location``. The request is
what a mail client's browser sends (Host = the bare domain, a User-Agent), redirects are not followed, and the
certificate is not judged here (that is the TLS steps' row), so each row tells one link of the chain.
"""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

from sparkpost_tracking import __version__

from .cdns import CdnTraits
from .connect import Deadline, classify, open_socket, tls_socket, unverified_context, where
from .options import CheckOptions
from .result import StepResult, failed, passed, warned

#: A click path in SparkPost's format; it records nothing, and SparkPost still answers 302.
TRACKING_PATH = "/f/a/b/c/d"
USER_AGENT = f"Mozilla/5.0 (compatible; sparkpost-tracking-check/{__version__})"
SPARKPOST_SERVER = "msys-http"
#: Cloudflare's own answers when it cannot use the origin.
_CLOUDFLARE_ORIGIN_ERRORS: dict[int, tuple[str, str]] = {
    526: ("ssl_mode", "Cloudflare 526 (invalid origin certificate): the SSL/TLS mode is Full (strict), but "
                      "SparkPost's certificate does not name the tracking host; set SSL/TLS to Full for this host "
                      "(the component's sslModeRule) or the zone"),
    525: ("origin_tls", "Cloudflare 525 (origin TLS handshake failed): set SSL/TLS to Full for this host, with "
                        "the SparkPost host as the record's target"),
}
_ORIGIN_UNREACHABLE = range(520, 525)


class _Connection(http.client.HTTPConnection):
    """Connects where ``--resolve`` says, speaking TLS (with the domain as SNI) only for https."""

    def __init__(self, options: CheckOptions, port: int, deadline: Deadline, *, tls: bool) -> None:
        super().__init__(options.domain, port, timeout=options.timeout)
        self._options = options
        self._deadline = deadline
        self._tls = tls

    def connect(self) -> None:
        sock = open_socket(self._options, self.port, self._deadline)
        if self._tls:
            sock = tls_socket(unverified_context(), sock, self._options.domain, self._deadline)
        self.sock = sock


def check_request(options: CheckOptions, scheme: str, cdn: CdnTraits) -> StepResult:
    port = options.https_port if scheme == "https" else options.http_port
    deadline = Deadline(options.timeout)
    connection = _Connection(options, port, deadline, tls=scheme == "https")
    started = time.monotonic()
    try:
        with deadline:
            connection.putrequest("GET", TRACKING_PATH, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", options.domain)  # the bare name, as browsers send it for 80/443
            connection.putheader("User-Agent", USER_AGENT)
            connection.putheader("Accept", "*/*")
            connection.endheaders()
            response = connection.getresponse()
            response.read(65536)
    except (OSError, http.client.HTTPException) as exc:
        failure = classify(exc, options, port) if isinstance(exc, OSError) else None
        if failure is None:
            return failed(scheme, f"{where(options, port)} answered with something that is not HTTP: {exc!r}",
                          "bad_response", "check that this port of the CDN serves " + scheme)
        return failed(scheme, failure.detail, failure.code, failure.hint)
    finally:
        connection.close()
    return judge(options, scheme, response.status, response.getheader("server") or "",
                 response.getheader("location"), time.monotonic() - started, cdn)


def judge(options: CheckOptions, scheme: str, status: int, server: str, location: str | None, seconds: float,
          cdn: CdnTraits) -> StepResult:
    facts = {"status": status, "server": server, "location": location, "seconds": round(seconds, 3)}
    url = f"{scheme}://{options.domain}{TRACKING_PATH}"
    answered = f"{url} -> {status}" + (f" (server: {server})" if server else "")
    from_sparkpost = SPARKPOST_SERVER in server.lower()
    if status in (301, 302, 307, 308) and _loops(location, options.domain, url, scheme):
        return failed(scheme, f"{answered} to {location}: a redirect back to the tracking host", "redirect_loop",
                      "a click would never reach its destination: the CDN (or a rule on it) redirects the tracking "
                      "host to itself; forward the request to the SparkPost host instead", **facts)
    if status == 302:
        if from_sparkpost:
            return passed(scheme, f"{answered}: SparkPost's redirect", **facts)
        if cdn.rewrites_server:
            return passed(scheme, f"{answered}: a redirect; this CDN replaces SparkPost's server header", **facts)
        return warned(scheme, f"{answered}: a redirect, without SparkPost's server: {SPARKPOST_SERVER}",
                      "server_rewritten", "fine if the CDN rewrites 'server' (Cloudflare does); otherwise the "
                      "302 may not come from SparkPost", **facts)
    if status in _CLOUDFLARE_ORIGIN_ERRORS:
        code, hint = _CLOUDFLARE_ORIGIN_ERRORS[status]
        return failed(scheme, answered, code, hint, **facts)
    if status in _ORIGIN_UNREACHABLE:
        return failed(scheme, answered, "origin_unreachable", "the CDN could not reach SparkPost: its origin "
                      "must be the SparkPost host of the region (spgo.io, eu.spgo.io)", **facts)
    if status in (301, 302, 307, 308) and scheme == "http" and _same_host_https(location, options.domain):
        return warned(scheme, f"{answered} to {location}: http links work through https", "redirected_to_https",
                      "the CDN redirects http to https ('Always Use HTTPS'); SparkPost's advice is to pass http "
                      "through as well", **facts)
    if 300 <= status < 400:
        return failed(scheme, f"{answered} to {location}", "redirected_elsewhere",
                      "the CDN redirects instead of forwarding to SparkPost: remove the forwarding rule and "
                      "proxy to the SparkPost host with the viewer's Host", **facts)
    if from_sparkpost:
        return failed(scheme, f"{answered}: SparkPost did not recognise the tracking domain", "not_recognised",
                      "SparkPost needs the viewer's Host (or X-Forwarded-Host) and User-Agent unchanged: turn off "
                      "any host override at the CDN, and check that the domain exists in SparkPost", **facts)
    return failed(scheme, f"{answered}: not SparkPost's answer", "not_sparkpost",
                  "the request does not reach SparkPost: the CDN's origin must be the SparkPost host of the "
                  "region, and the CDN must serve this host on " + scheme, **facts)


def _loops(location: str | None, domain: str, url: str, scheme: str) -> bool:
    """A redirect to the same URL, or to the tracking host itself (http to https of it aside: that is the
    'Always Use HTTPS' case, judged on its own)."""
    if not location:
        return False
    if location == url:
        return True
    parts = urlsplit(location)
    to_itself = (parts.hostname or domain).lower() == domain  # a relative Location stays on the host
    return to_itself and not (scheme == "http" and parts.scheme == "https")


def _same_host_https(location: str | None, domain: str) -> bool:
    if not location:
        return False
    parts = urlsplit(location)
    return parts.scheme == "https" and (parts.hostname or "").lower() == domain
