"""Running the stub: in the foreground (`familycard stub serve`) or in a thread (tests, demo)."""

from __future__ import annotations

import errno
import logging
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import uvicorn

from familycard import InvalidInput

from .app import create_app
from .config import load_config

__all__ = ["StubServer", "serve"]


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket; a port in use or an address not of this machine is refused
    (`port_in_use`, `invalid_host`: InvalidInput) before anything is served."""
    if not 0 <= port <= 65535:
        raise InvalidInput(
            f"no port {port}: give 1-65535, or 0 for a free one", code="invalid_port"
        )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it.  asyncio sets it only on sockets made with
    # proto=IPPROTO_TCP; without it, each response on a kept-alive connection waited
    # ~40 ms for the client's delayed ACK (Nagle), whatever the work (bench/enroll.py).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InvalidInput(
                f"port {port} on {host} is in use: pick another with --port, or --port 0 "
                "for a free one",
                code="port_in_use",
                details={"host": host, "port": port},
            ) from None
        raise InvalidInput(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            code="invalid_host",
            details={"host": host, "port": port},
        ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _url(sock: socket.socket, host: str) -> str:
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


class _QuietDrops(logging.Filter):
    """Injected dropped responses are on purpose: not errors worth a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


logging.getLogger("uvicorn.error").addFilter(_QuietDrops())


def _config(app: object, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        log_level=log_level,
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    db: str = ":memory:",
    seed: str | None = None,
    config_dir: Path | None = None,
    on_ready: Callable[[str], None] | None = None,
    log_level: str = "warning",
) -> None:
    """Serve in the foreground until interrupted; `on_ready` gets the root URL."""
    config = load_config(config_dir)  # a bad configuration fails before the port is taken
    sock = _bind(host, port)
    app = create_app(config=config, db=db, seed=seed, root_url=_url(sock, host))
    if on_ready is not None:
        on_ready(_url(sock, host))
    uvicorn.Server(_config(app, log_level)).run(sockets=[sock])


class StubServer:
    """A stub on loopback in a background thread: `with StubServer() as stub: stub.url`."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        db: str = ":memory:",
        seed: str | None = None,
        config_dir: Path | None = None,
        scrypt_n: int | None = None,
    ) -> None:
        self._sock = _bind(host, port)
        #: The server's root URL; a portal is at `url + "/" + tenant`.
        self.url = _url(self._sock, host)
        self.app = create_app(
            config=load_config(config_dir, scrypt_n=scrypt_n), db=db, seed=seed, root_url=self.url
        )
        self._server = uvicorn.Server(_config(self.app, "error"))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def portal_url(self, tenant: str) -> str:
        """The URL of one tenant."""
        return f"{self.url}/{tenant}"

    def start(self) -> StubServer:
        """Start serving; returns once the server accepts connections."""
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the stub server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
