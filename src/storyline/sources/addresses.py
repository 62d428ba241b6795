"""The private-address rule: never let a URL from a feed make us call into a private net.

A feed or a redirect can point at ``http://127.0.0.1:6379/`` or at a cloud metadata
address; fetching it would turn storyline into a proxy into the machine's own network
(SSRF). So every hop's host name is resolved and each resolved address must be global.
``settings.allow_private`` switches the rule off (tests, intranets).

Limitation: the address is checked, then httpx resolves the name again to connect; a
DNS server that answers differently the second time (rebinding) is not caught here.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

from storyline.errors import BlockedError, FetchError

Resolver = Callable[[str], list[str]]


def system_resolver(host: str) -> list[str]:
    """Resolve a host name to its IP addresses with the system resolver."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"could not resolve host {host!r}: {exc}; check the URL") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public_address(ip: str) -> bool:
    """True for a globally routable unicast address (not private, loopback, link-local...)."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast


def check_public_host(host: str, resolver: Resolver) -> None:
    """Raise BlockedError unless every address ``host`` resolves to is public."""
    literal = host.strip("[]")
    try:
        addresses = [str(ipaddress.ip_address(literal.split("%", 1)[0]))]
    except ValueError:
        addresses = resolver(host)
    if not addresses:
        raise FetchError(f"host {host!r} resolved to no address; check the URL")
    private = [a for a in addresses if not is_public_address(a)]
    if private:
        raise BlockedError(
            f"{host} resolves to the non-public address {private[0]}; storyline refuses "
            "private, loopback and link-local addresses unless allow_private is set "
            "(--allow-private)"
        )
