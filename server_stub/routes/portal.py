"""`GET /{tenant}/v1/portal`: what the portal is."""

from __future__ import annotations

from fastapi import APIRouter

from familycard import PortalInfo

from ..deps import PortalDep
from ..transactions import TxRoute

router = APIRouter(route_class=TxRoute, tags=["portal"])


@router.get("/portal")
def portal_info(portal: PortalDep) -> PortalInfo:
    """The portal's kind, policy and features."""
    return portal.tenant.info()
