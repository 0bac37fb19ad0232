"""The familycard stub server: every portal kind of DOMAIN.md, played faithfully.

from server_stub import StubServer
with StubServer(seed="demo") as stub:
    print(stub.portal_url("tortona"))
"""

from .app import create_app
from .config import StubConfig, Tenant, load_config
from .server import StubServer, serve

__all__ = ["StubConfig", "StubServer", "Tenant", "create_app", "load_config", "serve"]
