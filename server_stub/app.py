"""The stub's FastAPI app factory."""

from __future__ import annotations

from fastapi import FastAPI

from familycard import __version__

from .backends import control
from .config import StubConfig, load_config
from .errors import install_error_handlers
from .routes import auth, clerk, links, payments, portal, profile, terminal
from .routes import control as control_routes
from .routes import inbox as inbox_routes
from .routes import meals as meal_routes
from .routes import notices as notice_routes
from .routes import tokens as token_routes
from .routes import utility as utility_routes
from .state import StubState
from .store import Store

__all__ = ["create_app"]


def create_app(
    *,
    config: StubConfig | None = None,
    db: str = ":memory:",
    seed: str | None = None,
    root_url: str = "http://127.0.0.1:8000",
) -> FastAPI:
    """A stub serving every configured tenant at `/<tenant>`, with its control API at `/_stub`.

    `db` is a SQLite file, or `:memory:`; `seed` loads demo data (`demo`) into an empty
    store; `root_url` is where the server will be reached (for links in seeded e-mails).
    """
    store = Store(db)
    state = StubState(config=config or load_config(), store=store)
    app = FastAPI(
        title="familycard stub",
        version=__version__,
        description="Plays the family-services portals of DOMAIN.md for scripts and CI.",
    )
    app.state.stub = state
    install_error_handlers(app)
    for module in (portal, auth, profile, clerk, payments):
        app.include_router(module.router, prefix="/{tenant}/v1")
    app.include_router(token_routes.router, prefix="/{tenant}/v1")
    app.include_router(notice_routes.router, prefix="/{tenant}/v1")
    app.include_router(utility_routes.router, prefix="/{tenant}/v1")
    app.include_router(meal_routes.router, prefix="/{tenant}/v1")
    app.include_router(inbox_routes.router, prefix="/{tenant}/v1")
    app.include_router(links.router, prefix="/{tenant}")
    app.include_router(control_routes.router)
    app.include_router(terminal.router)
    empty = store.one("SELECT 1 FROM accounts LIMIT 1") is None and (
        store.one("SELECT 1 FROM enrolments LIMIT 1") is None
    )
    if empty:
        with store.transaction():
            control.start(state, seed, root_url)
    return app
