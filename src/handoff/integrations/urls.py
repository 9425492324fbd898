"""Server-side request forgery guard: an outbound host must resolve only to public addresses.

Private, loopback, link-local, shared, reserved, multicast and unspecified addresses are
refused unless the integration's config sets `allow_private_networks`. The caller connects
to the address returned here, so a second DNS answer cannot swap in another one.
"""

from __future__ import annotations

import ipaddress
import socket

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedAddress(ValueError):
    """A destination refused before any connection: it is not a public address."""


def is_public(address: Address) -> bool:
    """Whether an address is globally routable unicast."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to for host:port (IPv4 first); RefusedAddress if any is not public.

    Raises OSError when the name does not resolve (worth retrying).
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise OSError(f"{host} has no address")
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise RefusedAddress(
                    f"{host} resolves to {address}, which is not a public address "
                    "(set allow_private_networks to allow it)"
                )
    return str(min(addresses, key=lambda a: a.version))
