"""Reading partner catalogues."""

from lxml import etree

SAFE = etree.XMLParser(resolve_entities=False, no_network=True)
TRUSTING = etree.XMLParser(resolve_entities=True)


def products(data: bytes) -> list[str]:
    return [p.text or "" for p in etree.fromstring(data, SAFE).iter("product")]


def legacy_products(data: bytes) -> list[str]:
    return [p.text or "" for p in etree.fromstring(data, TRUSTING).iter("product")]
