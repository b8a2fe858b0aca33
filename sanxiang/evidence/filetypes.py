"""What an uploaded file really is, from its first bytes (not its name or claimed type)."""

from __future__ import annotations

from sanxiang.evidence.models import EvidenceKind


def sniff(head: bytes) -> str | None:
    """A content type for the first bytes of a file, or None if unrecognised."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1"):
            return "image/heic"
        if brand in (b"M4A ", b"M4B "):
            return "audio/mp4"
        if brand == b"qt  ":
            return "video/quicktime"
        return "video/mp4"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            return None
    return "text/plain" if b"\x00" not in head else None


ALLOWED: dict[str, tuple[str, ...]] = {
    EvidenceKind.TEXT: (
        "text/plain",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/jpeg",
        "image/png",
    ),
    EvidenceKind.PHOTO: ("image/jpeg", "image/png", "image/heic"),
    EvidenceKind.AUDIO: ("audio/mpeg", "audio/mp4", "audio/wav", "audio/amr", "audio/ogg"),
    EvidenceKind.VIDEO: ("video/mp4", "video/quicktime", "video/x-msvideo", "video/webm"),
    EvidenceKind.FULL_VIDEO: ("video/mp4", "video/quicktime", "video/x-msvideo", "video/webm"),
}

KIND_HINT = {
    EvidenceKind.TEXT: "文本、PDF、Word（.docx）或笔录扫描图片",
    EvidenceKind.PHOTO: "JPEG、PNG 或 HEIC 照片",
    EvidenceKind.AUDIO: "MP3、M4A、WAV、AMR 或 OGG 录音",
    EvidenceKind.VIDEO: "MP4、MOV、AVI 或 WebM 录像",
    EvidenceKind.FULL_VIDEO: "MP4、MOV、AVI 或 WebM 录像",
}
