"""Streaming encrypt-on-write for incident media (THREAT_MODEL R6, R19).

Design note. Django's default upload handlers keep a small file in memory
and spool a larger one to a named temporary file (TemporaryFileUploadHandler,
FILE_UPLOAD_TEMP_DIR) — in plaintext. The media upload view replaces them,
for that request only and before the body is read, with SealingUploadHandler:
each piece of the file is sealed with the handoff subject's data key the
moment the parser hands it over, so the parser's own in-memory buffer is the
only place the plaintext ever is. Nothing is written to disk until the action
saves the ciphertext rows. A file over the cap is skipped as it streams (the
rest of it is read and thrown away) and the view says so.

The view must be csrf_exempt with csrf_protect inside it: CsrfViewMiddleware
would otherwise read request.POST, and so parse the upload with the default
handlers, before the view could swap them (Django's documented pattern).
"""

import hashlib

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopFutureHandlers

from porch.response.cases.models import MediaChunk, new_handoff_code

FIELD = "media"
CHUNK_BYTES = 64 * 1024
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Leading bytes → format. Anything else is kept as "other" with no shareable copy.
SIGNATURES = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
IMAGE_FORMATS = {"jpeg", "png", "gif", "webp"}


def max_bytes() -> int:
    """The cap on one media original. The whole request is also capped by
    PORCH_MAX_UPLOAD_BYTES (porch.core.middleware.accepts_uploads), whichever
    is smaller."""
    return int(getattr(settings, "PORCH_LEGAL_MEDIA_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(head: bytes) -> str:
    for magic, name in SIGNATURES:
        if head.startswith(magic):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    return ""


class SealedUpload:
    """What the handler hands the view instead of a file: sealed chunks not
    yet saved, their count and size, the SHA-256 of the plaintext."""

    def __init__(self, code: str, subject):
        self.code = code
        self.subject = subject
        self.chunks: list[MediaChunk] = []
        self.size = 0
        self.head = b""
        self._hash = hashlib.sha256()
        self._field = MediaChunk._meta.get_field("data")

    def add(self, data: bytes) -> None:
        if len(self.head) < 16:
            self.head += data[: 16 - len(self.head)]
        self._hash.update(data)
        index = len(self.chunks)
        chunk = MediaChunk(index=index, place=f"{self.code}/{index}", subject=self.subject)
        self._field.seal_into(chunk, bytes(data))
        self.chunks.append(chunk)
        self.size += len(data)

    @property
    def digest(self) -> str:
        return self._hash.hexdigest()

    @property
    def format(self) -> str:
        return sniff(self.head)

    def plaintext(self) -> bytes:
        """The original, opened again in memory (for the shareable copy)."""
        name = self._field.attname
        return b"".join(self._field.decrypt(c, c.__dict__[name]) for c in self.chunks)

    def close(self) -> None:
        self.chunks = []


class SealingUploadHandler(FileUploadHandler):
    chunk_size = CHUNK_BYTES

    def __init__(self, request, *, subject, limit: int | None = None):
        super().__init__(request)
        self.subject = subject
        self.limit = limit if limit is not None else max_bytes()
        self.upload: SealedUpload | None = None
        self.too_large = False
        self.extra_files = 0

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        if field_name != FIELD or self.upload is not None or self.too_large:
            # One original per request; any other file is read and dropped.
            self.extra_files += 1
            raise SkipFile
        self.upload = SealedUpload(new_handoff_code(), self.subject)
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data, start):
        if self.upload is None:
            return None
        if start + len(raw_data) > self.limit:
            self.too_large = True
            self.upload = None
            raise SkipFile
        self.upload.add(raw_data)
        return None

    def file_complete(self, file_size):
        return self.upload

    def upload_interrupted(self):
        self.upload = None
