"""The script contract: exit codes by failure class, and what a re-run or an interrupt leaves.

What a cron line, a CI job or a clerk's batch meets: a bad portal URL, a URL that is no
portal, a busy port, Ctrl-C at a prompt or while waiting for a payment, a receipt not
ready yet, and commands run again after they succeeded.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import typer
from cli_support import CliFn, Outcome
from tokens_support import DECLINED_CARD, MARIA, attend, create, family

import familycard_cli._input
from familycard.resources.recharges import RechargesResource


def error(result: Outcome, exit_code: int, code: str) -> dict[str, Any]:
    """One JSON error on stderr with that code, and that exit code; nothing on stdout."""
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    body: dict[str, Any] = json.loads(result.stderr.strip().splitlines()[-1])["error"]
    assert body["code"] == code, body
    return body


# A portal URL that is no portal URL ----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("notaurl", id="no-scheme"),
        pytest.param("ftp://127.0.0.1/tortona", id="ftp"),
        pytest.param("file:///etc/passwd", id="file"),
        pytest.param("http://", id="no-host"),
        pytest.param("http://127.0.0.1:65536/tortona", id="port-over-65535"),
        pytest.param("http://[::1/x", id="broken-ipv6"),
        pytest.param("http://anna:secret@127.0.0.1/tortona", id="credentials"),
    ],
)
def test_a_malformed_portal_url_is_invalid_input_and_nothing_is_sent(cli: CliFn, url: str):
    body = error(cli("--portal", url, "portal", "info"), 2, "invalid_portal_url")
    assert "write it as http://" in body["message"]
    assert "secret" not in body["message"]
    assert "attempts" not in body.get("details", {})  # refused at once, never retried


class _Site(BaseHTTPRequestHandler):
    """A web server that is no portal: an HTML page, or JSON of another shape."""

    def do_GET(self) -> None:
        if self.path.startswith("/json/"):
            payload, kind = b'{"status": "ok", "version": 3}', "application/json"
        else:
            payload, kind = b"<html><body>Benvenuti</body></html>", "text/html"
        status = 200 if "/ok/" in self.path else 404
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_POST = do_GET

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("path", "found"),
    [
        pytest.param("/html", "HTTP 404 with an HTML page", id="html-404"),
        pytest.param("/ok/html", "HTTP 200 with an HTML page", id="html-200"),
        pytest.param("/json/ok/x", "HTTP 200 with JSON of another shape", id="json-other"),
    ],
)
def test_a_url_that_answers_but_is_no_portal_says_what_it_found(
    cli: CliFn, site: str, path: str, found: str
):
    body = error(cli("--portal", site + path, "portal", "info"), 2, "not_a_portal")
    assert found in body["message"]
    assert body["details"]["found"].startswith(found)


@pytest.mark.parametrize("suffix", ["", "/tortona/v1"], ids=["stub-root", "tenant-v1"])
def test_a_stub_s_root_or_api_path_lists_the_tenants_and_the_url_to_use(
    cli: CliFn, stub: Any, suffix: str
):
    body = error(cli("--portal", stub.url + suffix, "portal", "info"), 2, "not_a_portal")
    for tenant in ("tortona", "sala-baganza", "jaszbereny", "pagoinrete", "energia"):
        assert tenant in body["message"]
    assert body["details"]["tenants"]["tortona"] == stub.portal_url("tortona")
    assert f"--portal {stub.url}/" in body["message"]


def test_a_command_on_a_url_that_is_no_portal_is_exit_2_not_5(cli: CliFn, site: str):
    env = {"FAMILYCARD_USERNAME": "anna", "FAMILYCARD_PASSWORD": "x"}
    error(cli("--portal", site + "/html", "tokens", "balance", env=env), 2, "not_a_portal")


# The stub's own start ------------------------------------------------------------------------


def test_stub_serve_on_a_port_in_use_is_one_line_and_exit_2(cli: CliFn):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = str(taken.getsockname()[1])
        human = cli("stub", "serve", "--port", port, json=False)
        assert human.exit_code == 2
        assert human.stderr.strip().count("\n") == 0
        assert "in use" in human.stderr and "[port_in_use]" in human.stderr
        error(cli("stub", "serve", "--port", port), 2, "port_in_use")
    finally:
        taken.close()


def test_stub_serve_with_a_missing_or_empty_config_folder_is_exit_2(cli: CliFn, tmp_path: Path):
    error(
        cli("stub", "serve", "--port", "0", "--config", str(tmp_path / "nope")),
        2,
        "config_not_found",
    )
    (tmp_path / "empty").mkdir()
    error(cli("stub", "serve", "--port", "0", "--config", str(tmp_path / "empty")), 2, "no_tenants")


# Ctrl-C --------------------------------------------------------------------------------------


def _interrupted_prompt(*args: Any, **kwargs: Any) -> str:
    """What click's prompt does on Ctrl-C: Abort, with the KeyboardInterrupt as context."""
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt:
        raise typer.Abort() from None


def test_ctrl_c_at_a_password_prompt_exits_130(
    cli: CliFn, stub: Any, monkeypatch: pytest.MonkeyPatch
):
    # A person at a terminal (the runner's stdin is no TTY), who presses Ctrl-C.
    terminal = SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True))
    monkeypatch.setattr(familycard_cli._input, "sys", terminal)
    monkeypatch.setattr(typer, "prompt", _interrupted_prompt)
    result = cli("auth", "login", "--username", "anna.maria")
    assert result.exit_code == 130
    assert "Traceback" not in result.stderr


def test_ctrl_c_while_waiting_for_a_payment_says_what_it_leaves_open(
    cli: CliFn, stub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    rossi = family(cli, stub, tmp_path)

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(RechargesResource, "wait", interrupted)
    result = cli("recharge", "create", "--tokens", "10", "--wait", env=rossi.maria)
    body = error(result, 130, "interrupted")
    recharge_id = body["details"]["recharge_id"]
    assert recharge_id.startswith("rch_")
    assert body["details"]["checkout_url"].endswith("/_terminal/" + _payment_of(cli, rossi))
    assert f"familycard recharge show {recharge_id}" in body["message"]
    human = cli("recharge", "create", "--tokens", "5", "--wait", env=rossi.maria, json=False)
    assert human.exit_code == 130
    assert "interrupted: recharge rch_" in human.stderr
    assert "/_terminal/pay_" in human.stderr


def _payment_of(cli: CliFn, rossi: Any) -> str:
    [payment] = cli("payments", "list", env=rossi.maria).json()
    return str(payment["id"])


# A key spent by a payment that ended unpaid; a top-up with a payment awaited ----------------


def test_r1_8_a_key_whose_recharge_was_declined_is_refused_with_the_recharge(
    cli: CliFn, stub: Any, tmp_path: Path
):
    rossi = family(cli, stub, tmp_path)
    first = create(cli, rossi.maria, "--tokens", "10", "--idempotency-key", "topup-2026-11")
    assert cli("stub", "pay", first["payment_id"], "--card", DECLINED_CARD).exit_code == 4
    again = cli(
        "recharge",
        "create",
        "--tokens",
        "10",
        "--idempotency-key",
        "topup-2026-11",
        env=rossi.maria,
    )
    body = error(again, 4, "recharge_ended_unpaid")
    assert body["details"]["recharge"]["id"] == first["id"]
    assert body["details"]["status"] == "failed"
    assert "new key" in body["message"]
    human = cli(
        "recharge",
        "create",
        "--tokens",
        "10",
        "--idempotency-key",
        "topup-2026-11",
        env=rossi.maria,
        json=False,
    )
    assert first["id"] in human.stderr and "declined" in human.stderr
    assert len(cli("payments", "list", env=rossi.maria).json()) == 1  # nothing new


def test_r1_8_the_same_key_answers_the_recharge_as_it_is_now(cli: CliFn, stub: Any, tmp_path: Path):
    rossi = family(cli, stub, tmp_path)
    first = create(cli, rossi.maria, "--tokens", "10", "--idempotency-key", "k-1")
    assert first["status"] == "awaiting_payment"
    assert cli("stub", "pay", first["payment_id"]).exit_code == 0
    again = create(cli, rossi.maria, "--tokens", "10", "--idempotency-key", "k-1")
    assert (again["id"], again["status"]) == (first["id"], "succeeded")


def test_r1_8_a_top_up_with_a_recharge_awaiting_payment_names_it(
    cli: CliFn, stub: Any, tmp_path: Path
):
    rossi = family(cli, stub, tmp_path)
    attend(cli, MARIA, "mensa", "2026-11-13", "2026-11-16")  # balance -2
    pending = create(cli, rossi.maria, "--top-up-to", "10")
    assert pending["tokens"] == 15
    nothing = create(cli, rossi.maria, "--top-up-to", "10")
    assert nothing["status"] == "not_needed"
    [awaiting] = nothing["awaiting"]
    assert (awaiting["id"], awaiting["tokens"]) == (pending["id"], 15)
    assert awaiting["checkout_url"] == pending["checkout_url"]
    for command in ("create", "quote"):
        human = cli("recharge", command, "--top-up-to", "10", env=rossi.maria, json=False)
        assert human.exit_code == 0, human.stderr
        assert f"recharge {pending['id']} of 15 tokens is awaiting payment" in human.stdout
        assert pending["checkout_url"] in human.stdout
        assert "the balance is" not in human.stdout


@pytest.mark.parametrize("typed", ["1_000", "１０", " 10", "1e3", "0x10", "٣"])
def test_a_count_is_ascii_digits_only_never_read_loosely(cli: CliFn, typed: str):
    body = error(cli("recharge", "quote", "--tokens", typed), 2, "invalid_usage")
    assert "not a whole number" in body["message"]
