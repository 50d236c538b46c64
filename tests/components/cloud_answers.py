"""What the providers' data sources (invokes) answer under the component mocks, by default.

A healthy Business zone in SSL/TLS "Full" mode holding ``example.com``, and a Fastly account whose default TLS
configuration lists a global CNAME (beside a regional CNAME and an A record the component must pass over).
Tests change an answer with ``pulumi_run(..., invokes={TOKEN: answer})``.
"""

from __future__ import annotations

from typing import Any

FASTLY_TLS_CNAME = "j.sni.global.fastly.net"  # not the letter the code once hard-coded ('t')

GET_ZONE = "cloudflare:index/getZone:getZone"
GET_ZONE_SETTING = "cloudflare:index/getZoneSetting:getZoneSetting"
GET_RULESETS = "cloudflare:index/getRulesets:getRulesets"
GET_TOTAL_TLS = "cloudflare:index/getTotalTls:getTotalTls"
GET_CERTIFICATE_PACKS = "cloudflare:index/getCertificatePacks:getCertificatePacks"
GET_TLS_CONFIGURATION = "fastly:index/getTlsConfiguration:getTlsConfiguration"
INVOKE_ANSWERS: dict[str, dict[str, Any]] = {
    GET_ZONE: {"id": "zone", "name": "example.com", "type": "full", "status": "active",
               "plan": {"legacyId": "business", "name": "Business Website"}},
    GET_ZONE_SETTING: {"id": "ssl", "settingId": "ssl", "value": "full", "editable": True},
    GET_RULESETS: {"rulesets": []},
    GET_TOTAL_TLS: {"enabled": False},
    GET_CERTIFICATE_PACKS: {"results": []},
    GET_TLS_CONFIGURATION: {"id": "tls-config-default", "default": True, "name": "Default", "dnsRecords": [
        {"recordType": "CNAME", "recordValue": "k.sni.us-eu.fastly.net.", "region": "us-eu"},
        {"recordType": "A", "recordValue": "151.101.2.133", "region": "global"},
        {"recordType": "CNAME", "recordValue": FASTLY_TLS_CNAME + ".", "region": "global"}]},
}
