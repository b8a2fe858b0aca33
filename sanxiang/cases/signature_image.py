"""The drawn signature's image: checked as a real PNG of bounded size before anything is stored.

What the signing page's canvas sends (``canvas.toDataURL("image/png")``) is an 8-bit RGBA PNG,
not interlaced, transparent where nothing was drawn. The check reads the file's own structure
(signature bytes, chunk lengths and CRCs, ``IHDR``) and inflates the image data with a bound,
so a crafted file cannot make the server allocate more than the bounded image needs. A canvas
on which nothing was drawn is refused: every filtered byte of a fully transparent image is
zero (each PNG filter predicts zero from zero), and only then.
"""

from __future__ import annotations

import base64
import binascii
import struct
import zlib
from dataclasses import dataclass

from sanxiang.errors import DomainError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 200 * 1024
MIN_SIDE, MAX_WIDTH, MAX_HEIGHT = 50, 2000, 1200
DATA_URL_PREFIX = "data:image/png;base64,"


class SignatureImageRefused(DomainError):
    """Not a drawn signature this server accepts; nothing was stored."""


@dataclass(frozen=True)
class SignatureImage:
    data: bytes
    width: int
    height: int


def _refuse(message: str, log: str) -> SignatureImageRefused:
    return SignatureImageRefused(message, log_message=log)


def signature_from_data_url(value: str) -> bytes:
    """The PNG bytes of ``data:image/png;base64,…`` as the canvas gives it."""
    if not value:
        raise _refuse("请当事人在签名框内签名后再提交。", "no signature sent")
    if not value.startswith(DATA_URL_PREFIX):
        raise _refuse("签名图像格式不正确（须为 PNG 图像）。", "signature is not a PNG data URL")
    encoded = value[len(DATA_URL_PREFIX) :]
    if len(encoded) > (MAX_BYTES * 4) // 3 + 8:
        raise _refuse("签名图像过大（不超过 200 KB），请清除后重新签名。", "signature too large")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _refuse("签名图像无法识别，请清除后重新签名。", "signature not base64") from None


def signature_image_check(data: bytes) -> SignatureImage:
    """``data`` if it is a PNG this page could have drawn, with something drawn on it."""
    if not data:
        raise _refuse("请当事人在签名框内签名后再提交。", "empty signature")
    if len(data) > MAX_BYTES:
        raise _refuse(
            "签名图像过大（不超过 200 KB），请清除后重新签名。", f"signature {len(data)} bytes"
        )
    if not data.startswith(PNG_MAGIC):
        raise _refuse("签名图像格式不正确（须为 PNG 图像）。", "signature lacks the PNG header")
    chunks = _chunks(data)
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        raise _refuse("签名图像格式不正确（须为 PNG 图像）。", "PNG without IHDR first")
    width, height, depth, colour, _compression, _filter, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1]
    )
    if not (MIN_SIDE <= width <= MAX_WIDTH and MIN_SIDE <= height <= MAX_HEIGHT):
        raise _refuse(
            f"签名图像尺寸不符合要求（宽 {MIN_SIDE}–{MAX_WIDTH}、"
            f"高 {MIN_SIDE}–{MAX_HEIGHT} 像素）。",
            f"signature {width}x{height}",
        )
    if depth != 8 or colour != 6 or interlace != 0:
        raise _refuse(
            "签名图像格式不正确（须为签名页生成的 PNG 图像）。",
            f"PNG depth {depth} colour {colour} interlace {interlace}",
        )
    stride = 1 + width * 4
    expected = stride * height
    raw = _inflate(b"".join(body for name, body in chunks if name == b"IDAT"), expected)
    if len(raw) != expected:
        raise _refuse("签名图像已损坏，请清除后重新签名。", "PNG image data of the wrong size")
    if not any(raw[row * stride + 1 : (row + 1) * stride].strip(b"\x00") for row in range(height)):
        raise _refuse("签名框内没有笔迹，请当事人签名后再提交。", "blank signature")
    return SignatureImage(data=data, width=width, height=height)


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks: list[tuple[bytes, bytes]] = []
    at = len(PNG_MAGIC)
    while at < len(data):
        if at + 12 > len(data):
            raise _refuse("签名图像已损坏，请清除后重新签名。", "PNG chunk truncated")
        (length,) = struct.unpack(">I", data[at : at + 4])
        name = data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        crc = data[at + 8 + length : at + 12 + length]
        if len(body) != length or len(crc) != 4:
            raise _refuse("签名图像已损坏，请清除后重新签名。", "PNG chunk truncated")
        if struct.unpack(">I", crc)[0] != zlib.crc32(name + body):
            raise _refuse("签名图像已损坏，请清除后重新签名。", f"PNG chunk {name!r} bad CRC")
        chunks.append((name, body))
        at += 12 + length
        if name == b"IEND":
            return chunks
    raise _refuse("签名图像已损坏，请清除后重新签名。", "PNG without IEND")


def _inflate(compressed: bytes, expected: int) -> bytes:
    """The image data, never more than ``expected`` + 1 bytes (a bomb stops there)."""
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, expected + 1)
    except zlib.error:
        raise _refuse("签名图像已损坏，请清除后重新签名。", "PNG data does not inflate") from None
    return raw
