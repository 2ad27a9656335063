"""Which IP addresses a crawl may connect to: public unicast only.

Python's ``ipaddress`` (the standard library, maintained with CPython) knows the IANA special
registries; on top of it every way an IPv6 address can carry an IPv4 one is unwrapped and the
embedded address judged too (IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``,
NAT64 ``64:ff9b::/96`` and ``64:ff9b:1::/48``, 6to4 ``2002::/16``, Teredo ``2001::/32``), so that
``[::169.254.169.254]`` or ``[64:ff9b::7f00:1]`` are refused like the addresses they reach.
"""
from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
TEREDO = ipaddress.ip_network("2001::/32")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def parse(address: str) -> IPAddress | None:
    """An IP address from a literal (brackets and an IPv6 zone allowed), else None (a host name)."""
    text = address.strip().strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries, by any of the standard embeddings."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in IPV4_COMPATIBLE and int(ip) > 1:  # ::a.b.c.d (deprecated but still routed by some stacks)
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if any(ip in net for net in NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client's address (the server's is public by construction)
    return None


def refused(ip: IPAddress | str) -> str | None:
    """Why a connection to ``ip`` is refused (``"loopback"``, ``"private"`` ...), or None when it is a
    public unicast address."""
    if isinstance(ip, str):
        parsed = parse(ip)
        if parsed is None:
            return "not an IP address"
        ip = parsed
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            why = refused(inner)
            if why:
                return "%s (embedded in %s)" % (why, ip)
            if ip in IPV4_COMPATIBLE or any(ip in net for net in NAT64) or ip in TEREDO or ip in SIX_TO_FOUR:
                return "IPv6 transition address %s" % ip  # no need to reach the public web through one
    for name in ("unspecified", "loopback", "link_local", "multicast", "reserved"):
        if getattr(ip, "is_" + name):
            return name.replace("_", "-")
    if isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT:
        return "shared address space (CGNAT)"
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return "site-local"
    if ip.is_private or not ip.is_global:
        return "private"
    return None
