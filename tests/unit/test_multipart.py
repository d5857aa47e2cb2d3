"""The streaming multipart adapter: fields before the file, the file in pieces, cut-off bodies refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from callwarden.web.api.multipart import MultipartError, MultipartUpload

BOUNDARY = b"XyZ"


def body(*parts: tuple[str, str | None, bytes]) -> bytes:
    out = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += b"--" + BOUNDARY + b"\r\nContent-Disposition: " + disposition.encode() + b"\r\n\r\n" + data + b"\r\n"
    return out + b"--" + BOUNDARY + b"--\r\n"


def puller(data: bytes, size: int = 7) -> Callable[[], bytes | None]:
    pieces = [data[i : i + size] for i in range(0, len(data), size)]
    return lambda: pieces.pop(0) if pieces else None


def test_fields_then_file_streamed_in_small_pieces() -> None:
    audio = bytes(range(256)) * 20
    upload = MultipartUpload(puller(body(("meta", None, b'{"a": 1}'), ("file", "x.wav", audio))), BOUNDARY)
    upload.start()
    assert upload.fields == {"meta": b'{"a": 1}'} and upload.filename == "x.wav"
    assert b"".join(upload.chunks()) == audio


def test_body_cut_inside_the_file_is_an_error() -> None:
    whole = body(("file", "x.wav", b"A" * 500))
    upload = MultipartUpload(puller(whole[:300]), BOUNDARY)
    upload.start()
    with pytest.raises(MultipartError, match="cut short"):
        b"".join(upload.chunks())


def test_oversized_field_is_refused() -> None:
    upload = MultipartUpload(puller(body(("meta", None, b"x" * 70_000), ("file", "a", b"1")), 4096), BOUNDARY)
    with pytest.raises(MultipartError, match="larger than"):
        upload.start()
