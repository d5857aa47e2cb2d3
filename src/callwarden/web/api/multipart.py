"""Streaming multipart/form-data uploads (``curl -F meta=@call.json -F file=@call.wav``).

Starlette's ``request.form()`` spools large parts to temporary files, which would put plaintext audio on disk,
so this adapter feeds the request body into python-multipart's push parser and hands the ``file`` part on as a
stream of chunks, to be encrypted as it arrives. Small fields (``meta``) must come before ``file``: they are
needed before the first byte of audio is stored, and a field after the file is refused rather than ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from email.message import Message

from python_multipart.multipart import MultipartParser

FIELD_LIMIT = 64 * 1024
FILE_FIELD = "file"


class MultipartError(ValueError):
    """The body is not the multipart form this endpoint takes; the message says what is wrong."""


def _disposition(raw: bytes) -> tuple[str | None, str | None]:
    message = Message()
    message["content-disposition"] = raw.decode("latin-1")
    return message.get_param("name", header="content-disposition"), message.get_filename()  # type: ignore[return-value]


class MultipartUpload:
    """Pulls body chunks on demand; ``start()`` reads up to the file part, ``chunks()`` streams the file."""

    def __init__(self, pull: Callable[[], bytes | None], boundary: bytes) -> None:
        self._pull = pull
        self.fields: dict[str, bytes] = {}
        self.filename: str | None = None
        self._name: str | None = None
        self._header_field = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._pending: list[bytes] = []
        self._file_seen = False
        self._file_done = False
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_header_field": lambda data, start, end: self._add(data, start, end, "_header_field"),
                "on_header_value": lambda data, start, end: self._add(data, start, end, "_header_value"),
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
            },
        )

    def _add(self, data: bytes, start: int, end: int, attr: str) -> None:
        setattr(self, attr, getattr(self, attr) + data[start:end])

    def _part_begin(self) -> None:
        self._headers, self._name = {}, None

    def _header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field = self._header_value = b""

    def _headers_finished(self) -> None:
        name, filename = _disposition(self._headers.get(b"content-disposition", b""))
        if not name:
            raise MultipartError("a form part has no name")
        if self._file_seen:
            raise MultipartError(f"form field {name!r} comes after the file; send fields (meta) before the file")
        self._name = name
        if name == FILE_FIELD:
            self._file_seen = True
            self.filename = filename
        else:
            self.fields[name] = b""

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._name == FILE_FIELD:
            self._pending.append(data[start:end])
            return
        assert self._name is not None
        value = self.fields[self._name] + data[start:end]
        if len(value) > FIELD_LIMIT:
            raise MultipartError(f"form field {self._name!r} is larger than {FIELD_LIMIT} bytes")
        self.fields[self._name] = value

    def _part_end(self) -> None:
        if self._name == FILE_FIELD:
            self._file_done = True

    def _feed(self) -> bool:
        chunk = self._pull()
        if chunk is None:
            self._parser.finalize()
            return False
        self._parser.write(chunk)
        return True

    def start(self) -> None:
        """Read the fields that precede the file, up to the file part's first bytes."""
        while not self._file_seen:
            if not self._feed():
                raise MultipartError(f"the form has no {FILE_FIELD!r} part")

    def chunks(self) -> Iterator[bytes]:
        """The file part's bytes as they arrive."""
        more = True
        while True:
            if self._pending:
                pending, self._pending = self._pending, []
                yield from pending
            if self._file_done:
                return
            if not more:
                raise MultipartError("the body ended inside the file part (upload cut short)")
            more = self._feed()
