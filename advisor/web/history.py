"""A wing's page: its assessments in progress and stored, starting one, and uploading a
profile file to assess.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Request, UploadFile
from fastapi.responses import Response

from advisor.errors import AdvisorError
from advisor.rulebook import Rulebook
from advisor.web.models import KINDS, Wing
from advisor.web.pages import MAX_REQUEST, Context, page, see_other
from advisor.web.security import READERS, WRITERS, can_write, need, readable, writable
from advisor.web.store import Signed


def add_routes(app: FastAPI, context: Context) -> None:
    def wing_page_for(request: Request, signed: Signed, wing: Wing, *, status: int = 200,
                      upload_error: str = "") -> Response:
        store = context.store
        return page(request, "wing.html.j2", status, wing=wing, drafts=store.drafts(wing.id),
                    results=store.results(wing.id), can_change=can_write(signed, wing.id),
                    kinds=KINDS, upload_error=upload_error)

    @app.get("/wings/{wing_id}")
    def wing_page(request: Request, wing_id: int,
                  signed: Annotated[Signed, Depends(need(*READERS))]) -> Response:
        return wing_page_for(request, signed, readable(signed, context.store.wing(wing_id)))

    @app.post("/wings/{wing_id}/upload")
    async def upload(request: Request, wing_id: int,
                     signed: Annotated[Signed, Depends(need(*WRITERS))],
                     profile: Annotated[UploadFile | None, File()] = None) -> Response:
        from starlette.concurrency import run_in_threadpool

        from advisor.render import to_json

        wing = await run_in_threadpool(lambda: writable(signed, context.store.wing(wing_id)))
        # whole (the request is at most MAX_REQUEST): a file too big gets the CLI's words
        raw = await profile.read(MAX_REQUEST + 1) if profile is not None else b""
        name = _upload_name(profile) if profile is not None else ""
        try:
            if profile is None or not (profile.filename or raw):
                raise AdvisorError("choose a profile file to upload")
            text, result = await run_in_threadpool(_assess_upload, raw, name, context.rulebook)
            about = (result["profile"]["prison"], result["profile"]["wing"])
            if _same(about) != _same((wing.prison, wing.name)):
                raise AdvisorError(f"this profile is about {about[1]}, {about[0]}, not "
                                   f"{wing.name}, {wing.prison}: upload it to that wing's "
                                   "page", file=name)
        except AdvisorError as err:
            return wing_page_for(request, signed, wing, status=400,
                                 upload_error=err.one_line())
        stored = await run_in_threadpool(
            lambda: context.store.add_result(wing, kind=result["profile"]["kind"],
                                             source="upload",
                                     profile_yaml=text, rulebook_version=context.rulebook.version,
                                     result_json=to_json(result), by=signed.user))
        return see_other(f"/results/{stored.id}")



def _assess_upload(raw: bytes, name: str, book: Rulebook) -> tuple[str, Any]:
    """Read an uploaded profile exactly as `advisor assess FILE` reads a file (the same
    checks, the same messages, naming the file as uploaded), then assess it."""
    from advisor.assess import assess
    from advisor.profile import load_profile
    from advisor.yamlio import read_text

    with tempfile.TemporaryDirectory(prefix="advisor-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(raw)
        try:
            text = read_text(path, "profile")
            profile = load_profile(path)
        except AdvisorError as err:
            if err.file == str(path):
                err.file = name
            raise
    return text, assess(profile, book)


def _upload_name(upload: UploadFile) -> str:
    name = Path((upload.filename or "").replace("\\", "/")).name
    return re.sub(r"[^\w.\- ]", "_", name)[:100].strip(". ") or "profile.yaml"


def _same(names: tuple[str, str]) -> tuple[str, ...]:
    """Names as compared: case and spacing aside."""
    return tuple(" ".join(n.split()).casefold() for n in names)
