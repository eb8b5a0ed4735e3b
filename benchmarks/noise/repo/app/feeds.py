"""Reading partner feeds."""

import xml.etree.ElementTree as ET


def titles(data: str) -> list[str]:
    return [item.text or "" for item in ET.fromstring(data).iter("title")]
