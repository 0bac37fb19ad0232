"""`client.portal`: what the portal is."""

from __future__ import annotations

from ..models.portal import PortalInfo
from ._base import Resource


class PortalResource(Resource):
    """The portal's kind, policy and features (`GET /v1/portal`)."""

    def info(self) -> PortalInfo:
        """Ask the portal for its kind, name, currency, policy and features."""
        info = self._call(PortalInfo, "GET", "/portal")
        self._client._info = info
        return info
