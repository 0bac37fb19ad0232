"""The global options of one invocation, and the clients built from them."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import typer

from ._output import Output

if TYPE_CHECKING:
    from familycard import Client, StubControl

    from ._secrets import SecretStore

__all__ = ["State"]

T = TypeVar("T")


@dataclass
class State:
    """What the main callback parsed; every command reads it from the context."""

    portal: str | None
    profile: str
    as_json: bool
    verbose: bool
    out: Output = field(init=False)
    _clients: list[Client] = field(default_factory=list, init=False)
    _controls: list[StubControl] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.out = Output(as_json=self.as_json)

    @staticmethod
    def of(ctx: typer.Context) -> State:
        """The state of the running invocation."""
        root = ctx.find_root()
        state = root.obj
        assert isinstance(state, State), "the main callback did not run"
        return state

    # Settings ----------------------------------------------------------------------

    def settings(self) -> dict[str, str]:
        """The profile's saved settings."""
        from ._config import load_profile

        return load_profile(self.profile)

    def portal_url(self) -> str:
        """--portal, else FAMILYCARD_PORTAL, else the profile's portal."""
        url = self.portal or self.settings().get("portal")
        if not url:
            from familycard import InvalidInput

            raise InvalidInput(
                "which portal? give --portal URL (e.g. http://127.0.0.1:8000/tortona) "
                "or set FAMILYCARD_PORTAL",
                code="no_portal",
            )
        return url.rstrip("/")

    def username(self) -> str | None:
        """FAMILYCARD_USERNAME, else the username saved by `auth login`."""
        return os.environ.get("FAMILYCARD_USERNAME") or self.settings().get("username")

    def secrets(self, username: str) -> SecretStore:
        """The keyring entry of an account on this portal."""
        from ._secrets import SecretStore

        return SecretStore(self.portal_url(), username)

    # Clients -----------------------------------------------------------------------

    def client(self, *, clerk: bool = False) -> Client:
        """An SDK client for the portal, closed when the command ends."""
        from familycard import Client, PermissionDenied

        clerk_key = None
        if clerk:
            clerk_key = os.environ.get("FAMILYCARD_CLERK_KEY")
            if not clerk_key:
                raise PermissionDenied(
                    "clerk commands need the clerk key in FAMILYCARD_CLERK_KEY",
                    code="clerk_key_required",
                )
        client = Client(self.portal_url(), clerk_key=clerk_key)
        self._clients.append(client)
        return client

    def session(self, call: Callable[[Client], T]) -> T:
        """Run `call` on a logged-in client.

        FAMILYCARD_USERNAME and FAMILYCARD_PASSWORD (and FAMILYCARD_PIN) log in afresh.
        Otherwise the session saved by `auth login` is used; when it has expired, the
        keyring's password logs in again, once.
        """
        from familycard import AuthenticationFailed

        client = self.client()
        env_user = os.environ.get("FAMILYCARD_USERNAME")
        env_password = os.environ.get("FAMILYCARD_PASSWORD")
        if env_user and env_password:
            client.auth.login(env_user, env_password, pin=os.environ.get("FAMILYCARD_PIN"))
            return call(client)
        username = self.username()
        if not username:
            raise AuthenticationFailed(
                "not logged in: run 'familycard auth login' or set FAMILYCARD_USERNAME "
                "and FAMILYCARD_PASSWORD",
                code="not_logged_in",
            )
        store = self.secrets(username)
        token = store.get("session")
        if token:
            client.session_token = token
            try:
                return call(client)
            except AuthenticationFailed as exc:
                if exc.code not in ("session_expired", "not_authenticated"):
                    raise
        password = env_password or store.get("password")
        if not password:
            raise AuthenticationFailed(
                f"the session of {username} ended and no password is saved: "
                "run 'familycard auth login'",
                code="not_logged_in",
            )
        pin = os.environ.get("FAMILYCARD_PIN") or store.get("pin")
        remember = self.settings().get("remember") == "yes"
        session = client.auth.login(username, password, pin=pin, remember=remember)
        store.set("session", session.token)
        return call(client)

    def forget(self, username: str) -> None:
        """Forget an account's saved secrets and the profile's username."""
        from ._config import save_profile

        store = self.secrets(username)
        for name in ("session", "password", "pin"):
            store.delete(name)
        if self.settings().get("username") == username:
            save_profile(self.profile, username=None, remember=None)

    def close(self) -> None:
        """Close every client (and stub control) the command opened."""
        for client in self._clients:
            client.close()
        self._clients.clear()
        for control in self._controls:
            control.close()
        self._controls.clear()

    def control(self) -> StubControl:
        """The control API of the stub serving --portal."""
        from familycard import StubControl

        control = StubControl(self.portal_url())
        self._controls.append(control)
        return control
