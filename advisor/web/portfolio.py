"""The home page: the wings a user may see, and adding a wing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel

from advisor.web.pages import Context, page, see_other
from advisor.web.security import EVERYONE, WRITERS, need, visible_wing_ids
from advisor.web.store import Signed, StoreError


class WingForm(BaseModel):
    prison: str = ""
    name: str = ""
    csrf: str = ""


def add_routes(app: FastAPI, context: Context) -> None:
    @app.get("/")
    def home(request: Request, signed: Annotated[Signed, Depends(need(*EVERYONE))]
             ) -> Response:
        if signed.user.role == "trainer":
            return see_other("/examples")
        wings = context.store.wings(visible_wing_ids(signed))
        return page(request, "home.html.j2", wings=wings, errors={}, given={},
                    can_add=signed.user.role in WRITERS)

    @app.post("/wings")
    def add_wing(request: Request, signed: Annotated[Signed, Depends(need(*WRITERS))],
                 form: Annotated[WingForm, Form()]) -> Response:
        try:
            wing = context.store.add_wing(form.prison, form.name, by=signed.user)
        except StoreError as err:
            wings = context.store.wings(visible_wing_ids(signed))
            return page(request, "home.html.j2", 400, wings=wings, can_add=True,
                        errors={err.field: err.message}, given=form.model_dump())
        return see_other(f"/wings/{wing.id}")

