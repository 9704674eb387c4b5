#!/usr/bin/env python3
"""Passive domain reconnaissance with the Python standard library only.

Subcommands (all print JSON):
    rdap DOMAIN          registration data via RDAP (rdap.org bootstrap redirector)
    dns DOMAIN [-t T..]  DNS records via Google DNS-over-HTTPS (A AAAA MX NS TXT CNAME CAA SOA)
    subdomains DOMAIN    names seen in Certificate Transparency logs (crt.sh)
    tls HOST [-p 443]    certificate presented by the host (the only call that touches it)
    all DOMAIN           rdap + dns + tls together

Example: python domain_intel.py rdap example.com
"""

from __future__ import annotations

import argparse
import json
import socket
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from typing import Any

UA = "skillshelf-domain-intel/1.0 (+https://github.com/skillshelf)"
DEFAULT_TYPES = ["A", "AAAA", "MX", "NS", "TXT", "CNAME", "CAA", "SOA"]


def _get_json(url: str, timeout: float = 30, headers: dict[str, str] | None = None) -> Any:
    req = urllib.request.Request(url, headers={"User-Agent": UA, **(headers or {})})
    with urllib.request.urlopen(req, timeout=timeout) as resp:  # follows redirects
        return json.loads(resp.read().decode("utf-8"))


def rdap(domain: str) -> dict[str, Any]:
    data = _get_json(f"https://rdap.org/domain/{urllib.parse.quote(domain)}")
    events = {e.get("eventAction"): e.get("eventDate") for e in data.get("events", [])}
    registrar = None
    for ent in data.get("entities", []):
        if "registrar" in ent.get("roles", []):
            for item in (ent.get("vcardArray") or [None, []])[1]:
                if item and item[0] == "fn":
                    registrar = item[3]
            registrar = registrar or ent.get("handle")
    return {
        "domain": data.get("ldhName", domain).lower(),
        "registrar": registrar,
        "status": data.get("status", []),
        "registered": events.get("registration"),
        "expires": events.get("expiration"),
        "last_changed": events.get("last changed"),
        "nameservers": sorted(ns.get("ldhName", "").lower() for ns in data.get("nameservers", [])),
        "dnssec": (data.get("secureDNS") or {}).get("delegationSigned"),
        "source": data.get("links", [{}])[0].get("href"),
    }


def dns(domain: str, types: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"domain": domain, "records": {}}
    for rtype in types:
        q = urllib.parse.urlencode({"name": domain, "type": rtype})
        data = _get_json(f"https://dns.google/resolve?{q}", timeout=15)
        # Status 0 = NOERROR, 3 = NXDOMAIN; answers may include CNAME chain entries
        out["status"] = data.get("Status")
        out["records"][rtype] = [a["data"] for a in data.get("Answer", [])]
    return out


def subdomains(domain: str) -> dict[str, Any]:
    q = urllib.parse.quote(f"%.{domain}")
    rows = _get_json(f"https://crt.sh/?q={q}&output=json", timeout=90)
    names: set[str] = set()
    for row in rows:
        for name in row.get("name_value", "").splitlines():
            name = name.strip().lower().removeprefix("*.")
            if name == domain or name.endswith("." + domain):
                names.add(name)
    return {"domain": domain, "certificates_seen": len(rows), "names": sorted(names)}


def tls(host: str, port: int = 443) -> dict[str, Any]:
    ctx = ssl.create_default_context()
    try:
        with socket.create_connection((host, port), timeout=10) as sock:
            with ctx.wrap_socket(sock, server_hostname=host) as tls_sock:
                cert = tls_sock.getpeercert()
                version = tls_sock.version()
    except ssl.SSLCertVerificationError as exc:
        return {"host": host, "port": port, "valid": False, "error": exc.verify_message}
    not_after = datetime.fromtimestamp(ssl.cert_time_to_seconds(cert["notAfter"]), timezone.utc)

    def flat(rdns: Any) -> dict[str, str]:
        return {k: v for rdn in rdns for (k, v) in rdn}

    return {
        "host": host,
        "port": port,
        "valid": True,
        "tls_version": version,
        "subject": flat(cert.get("subject", ())),
        "issuer": flat(cert.get("issuer", ())),
        "not_before": cert.get("notBefore"),
        "not_after": cert.get("notAfter"),
        "days_left": (not_after - datetime.now(timezone.utc)).days,
        "san": [v for (k, v) in cert.get("subjectAltName", ()) if k == "DNS"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Passive domain reconnaissance (JSON output).")
    sub = parser.add_subparsers(dest="cmd", required=True)
    for name in ("rdap", "subdomains", "all"):
        sub.add_parser(name).add_argument("domain")
    p_dns = sub.add_parser("dns")
    p_dns.add_argument("domain")
    p_dns.add_argument("-t", "--types", nargs="+", default=DEFAULT_TYPES)
    p_tls = sub.add_parser("tls")
    p_tls.add_argument("host")
    p_tls.add_argument("-p", "--port", type=int, default=443)
    args = parser.parse_args(argv)

    target = getattr(args, "domain", None) or args.host
    target = target.strip().lower().rstrip(".")
    try:
        if args.cmd == "rdap":
            result: Any = rdap(target)
        elif args.cmd == "dns":
            result = dns(target, [t.upper() for t in args.types])
        elif args.cmd == "subdomains":
            result = subdomains(target)
        elif args.cmd == "tls":
            result = tls(target, args.port)
        else:
            result = {"rdap": rdap(target), "dns": dns(target, DEFAULT_TYPES), "tls": tls(target)}
    except urllib.error.HTTPError as exc:
        # RDAP answers 404 for names the registry does not know (often: unregistered)
        result = {"error": f"HTTP {exc.code}", "url": exc.url}
    except (urllib.error.URLError, OSError, ValueError) as exc:
        result = {"error": f"{type(exc).__name__}: {exc}"}
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 1 if isinstance(result, dict) and "error" in result else 0


if __name__ == "__main__":
    sys.exit(main())
