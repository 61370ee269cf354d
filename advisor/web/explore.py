"""The worked examples: the bundled profiles, each shown as its report.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import Response

from advisor.web.pages import Context, page, report_body
from advisor.web.pages import audience as audience_of
from advisor.web.security import EVERYONE, need
from advisor.web.store import Signed


def add_routes(app: FastAPI, context: Context) -> None:
    @app.get("/examples")
    def example_list(request: Request,
                     signed: Annotated[Signed, Depends(need(*EVERYONE))]) -> Response:
        from advisor.examples import examples

        return page(request, "examples.html.j2", examples=examples())

    @app.get("/examples/{name}")
    def example(request: Request, name: str,
                signed: Annotated[Signed, Depends(need(*EVERYONE))],
                audience: str | None = None) -> Response:
        from advisor.assess import assess
        from advisor.examples import examples
        from advisor.profile import load_profile

        found = [e for e in examples() if e.name == name]
        if not found:
            raise HTTPException(404, "There is no such worked example.")
        result = assess(load_profile(found[0].path), context.rulebook)
        return page(request, "report.html.j2", title=found[0].name,
                    report=report_body(result, audience_of(audience)), audience=audience,
                    base=f"/examples/{name}", downloads=[], result=None, wing=None)

