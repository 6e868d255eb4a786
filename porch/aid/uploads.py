"""Uploads the aid pages read in memory only (R19): receipt photos and
request sheets. Django's default handlers would spool a large file to a
temporary file in plaintext; the views swap in CappedMemoryUploadHandler for
their request, before the body is read (csrf_exempt outside, csrf_protect
inside — Django's documented pattern), so the bytes live in the parser's
buffer and ours only. Past the cap the file is dropped as it streams and the
view says so. The whole request is also capped: by PORCH_MAX_UPLOAD_BYTES
for views marked with porch.core.middleware.accepts_uploads (receipts), by
PORCH_MAX_BODY_BYTES for the others (sheets).
"""

import io

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopFutureHandlers


class CappedMemoryUploadHandler(FileUploadHandler):
    def __init__(self, request, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.too_large = False
        self.chunks: list[bytes] = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.chunks = []
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.too_large = True
            self.chunks = []
            raise SkipFile
        self.chunks.append(raw_data)
        return None

    def file_complete(self, file_size):
        data = io.BytesIO(b"".join(self.chunks))
        self.chunks = []
        return InMemoryUploadedFile(
            data, self.field_name, self.file_name, self.content_type, file_size, self.charset
        )

    def upload_interrupted(self):
        self.chunks = []


def read_capped(upload, limit: int) -> bytes | None:
    """The upload's bytes, or None past the cap (read from memory, never disk)."""
    if upload is None:
        return b""
    data = upload.read(limit + 1)
    return None if len(data) > limit else data
