"""The workspace's JSON: orjson's bytes, and json's answer for what orjson refuses."""

from __future__ import annotations

import json
import math

import pytest

from review import json_codec
from review.findings import Severity

DOCUMENTS = [
    {"agent": "security", "seconds": 0.066, "findings": [{"line": 3, "message": "é ✓ \u2028"}]},
    ["x", 1, -0.5, 1e-7, True, None, {"nested": [[], {}]}],
    {"severity": Severity.ERROR, "lines": (1, 2)},
]


@pytest.mark.parametrize("data", DOCUMENTS)
def test_written_as_json_writes_it_and_read_back_alike(data) -> None:
    encoded = json_codec.dumps(data)
    assert json.loads(encoded) == json.loads(json.dumps(data, ensure_ascii=False))
    assert json_codec.loads(encoded) == json.loads(encoded)


def test_written_compact_in_utf_8() -> None:
    data = DOCUMENTS[0]
    expected = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    assert json_codec.dumps(data) == expected


@pytest.mark.parametrize("data", [{"big": 2**70}, {1: "a key that is not a string"}])
def test_what_orjson_cannot_write_is_written_as_json_writes_it(data) -> None:
    expected = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    assert json_codec.dumps(data) == expected


@pytest.mark.parametrize("text", ['"\\ud800"', '{"far": 1e400}'])
def test_what_orjson_cannot_read_is_read_as_json_reads_it(text) -> None:
    assert json_codec.loads(text.encode()) == json.loads(text)


def test_nan_is_read_as_json_reads_it() -> None:
    assert math.isnan(json_codec.loads(b"NaN"))


@pytest.mark.parametrize("data", [b"{", b"\xff\xfe", b""])
def test_what_is_not_json_raises_value_error(data) -> None:
    with pytest.raises(ValueError):
        json_codec.loads(data)


def test_what_json_cannot_write_raises_type_error() -> None:
    with pytest.raises(TypeError):
        json_codec.dumps({"a set": {1, 2}})
