"""`/{tenant}/links/{token}`: the page a person reaches by clicking a link in an e-mail."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from familycard import FamilycardError

from .. import security
from ..backends import accounts
from ..deps import PortalDep
from ..transactions import TxRoute

router = APIRouter(route_class=TxRoute, tags=["pages"], include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:36rem;margin:3rem auto}}</style></head>
<body><h1>{title}</h1><p>{text}</p>{form}</body></html>"""

_ACTIONS = {
    "activation": "Activate my account",
    "verification": "Confirm my e-mail address",
    "password_reset": "Send me a new password",
}


def _page(title: str, text: str, form: str = "", status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        _PAGE.format(title=escape(title), text=escape(text), form=form), status_code=status
    )


@router.get("/links/{token}")
def show_link(portal: PortalDep, token: str) -> HTMLResponse:
    """What the link will do, with one button to do it."""
    link = portal.store.one(
        "SELECT purpose, used_at FROM links WHERE token_hash = ? AND tenant = ?",
        (security.digest(token), portal.tenant.slug),
    )
    if link is None or link["used_at"] is not None:
        return _page(portal.tenant.name, "This link is not valid or was already used.", status=404)
    action = _ACTIONS[link["purpose"]]
    form = f'<form method="post"><button type="submit">{escape(action)}</button></form>'
    return _page(portal.tenant.name, action + "?", form)


@router.post("/links/{token}")
def follow_link(portal: PortalDep, token: str) -> HTMLResponse:
    """Do what the link is for."""
    link = portal.store.one(
        "SELECT purpose FROM links WHERE token_hash = ? AND tenant = ?",
        (security.digest(token), portal.tenant.slug),
    )
    try:
        if link is not None and link["purpose"] == "password_reset":
            ack = accounts.reset_password(portal, token)
        else:
            ack = accounts.activate(portal, token)
    except FamilycardError as exc:
        return _page(portal.tenant.name, exc.message, status=exc.status)
    return _page(portal.tenant.name, ack.message)
