"""Content-Encoding decoding that never produces more than asked.

The fetcher reads bodies as sent and inflates them here, each call bounded
by the bytes still wanted, so a gzip bomb stops at the byte cap instead of
filling memory; the replay transport records bodies still compressed and
replays them through the same decoder.
"""

from __future__ import annotations

import importlib
import zlib
from typing import Any

try:  # brotli is optional; without a bounded decoder it is not even offered.
    _brotli: Any = importlib.import_module("brotli")
except ImportError:
    _brotli = None
# Only brotli >= 1.2 can stop inflating at a size limit (output_buffer_limit).
_BROTLI_BOUNDED = _brotli is not None and hasattr(_brotli.Decompressor, "can_accept_more_data")
ACCEPT_ENCODING = "gzip, deflate, br" if _BROTLI_BOUNDED else "gzip, deflate"


class DecodeError(Exception):
    """The body does not decode under its Content-Encoding."""


class Inflater:
    """Incremental gzip/deflate/brotli decoding, each call bounded by ``limit`` bytes of output."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._pending = b""
        self._members = 0
        self._ignore_rest = False
        self._obj: Any = None
        if coding in ("gzip", "x-gzip"):
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "br":  # pragma: no cover - brotli is optional and absent in CI
            self._obj = _brotli.Decompressor()

    @property
    def unconsumed(self) -> int:
        """Compressed bytes received but not inflated yet (waiting behind the limit)."""
        tail = getattr(self._obj, "unconsumed_tail", b"")
        return len(tail) + len(self._pending)

    def decode(self, data: bytes, limit: int) -> bytes:
        """Inflate ``data``; return at most ``limit`` bytes."""
        if self._ignore_rest or limit <= 0:
            return b""
        try:
            return self._decode(data, limit)
        except zlib.error as exc:
            raise DecodeError(f"{self.coding} body is corrupt: {exc}") from exc

    def _decode(self, data: bytes, limit: int) -> bytes:
        if self.coding == "deflate" and self._obj is None:
            # "deflate" is zlib-wrapped per RFC 9110, but IIS and old Apache
            # modules sent raw deflate; the first two bytes tell which.
            self._pending += data
            if len(self._pending) < 2:
                return b""
            head = self._pending[0] * 256 + self._pending[1]
            wrapped = self._pending[0] & 0x0F == 8 and head % 31 == 0
            self._obj = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
            data, self._pending = self._pending, b""
        if self.coding == "br":  # pragma: no cover - brotli is optional and absent in CI
            return bytes(self._obj.process(data, output_buffer_limit=limit))
        out = self._obj.decompress(data, limit)
        # Concatenated gzip members are one body (RFC 1952 §2.2); trailing
        # garbage after a complete member is ignored, as browsers do.
        while (
            self.coding != "deflate"
            and self._obj.eof
            and self._obj.unused_data
            and len(out) < limit
            and self._members < 64
        ):
            rest = self._obj.unused_data
            self._members += 1
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                out += self._obj.decompress(rest, limit - len(out))
            except zlib.error:
                self._ignore_rest = True
                break
        return bytes(out)


def inflater_for(content_encoding: str | None) -> Inflater | str | None:
    """An inflater, None for identity, or the unsupported coding's name."""
    coding = (content_encoding or "").strip().lower()
    if coding in ("", "identity", "none"):
        return None
    if coding in ("gzip", "x-gzip", "deflate") or (coding == "br" and _BROTLI_BOUNDED):
        return Inflater(coding)
    return coding
