"""How long familycard's commands take to start and finish, against the floor.

Run: `.venv/bin/python bench/cli_startup.py [--runs N]`.  Not a test: it prints figures.

Four pairs, each of ours against the smallest Typer script that does the same job,
written to a temporary folder.  Any Typer app pays its start-up (the interpreter,
typer, click, rich for the help screen); what we can control is what familycard adds on
top.  The goals, ours / floor by the median:

- `familycard --version` and `--help` against one command with an eager `--version`
  option: <= 1.2;
- `familycard --json --portal URL portal info` (one request) against one command that
  GETs `URL/v1/portal` with httpx and prints the JSON: <= 1.2.  Both ask the same stub,
  started in this process on a free port (`server_stub.server.StubServer`).  The floor
  passes `verify=False` to httpx: the URL is plain http, so TLS is never used and no CA
  bundle need be loaded (familycard's client loads none for http:// either);
- `familycard notices check N` (offline, a valid notice number of the seed) against one
  command that checks the 18 digits and the mod-93 check digits and prints a line: <= 1.3.

A fair comparison runs both the same way.  Ours runs as a user runs it, through the
console script that pip installed next to the interpreter (`.venv/bin/familycard`: a
shebang for this interpreter, `from familycard_cli.main import run`, `sys.exit(run())`).
Each floor gets a launcher built from that very file's text, with only the import line
changed to `from minimal import run` (or `minimal_get`, `minimal_offline`), in the same
folder as that module.  So both start the same interpreter through the kernel's shebang,
both run the same launcher code, and both import their app as a module (with bytecode
cached in `__pycache__` after the warm-up run), in the same environment.  Running
`python -c ...` for both would be fair as well, but would not measure the entry point
users actually run.

The runs are interleaved (ours, floor, floor, ours, ...) so that both share the machine's
noise; the report gives the median and the minimum of each, and the ratios of both.

Then, in fresh interpreters, it lists which heavy modules familycard loads: after
importing `familycard_cli.main` and building the click command, after `--version`
and `--help` (less what the floor loads itself: typer's rich help screen needs
`rich.table`), and after the two commands (`OFFLINE_HEAVY`, `REQUEST_HEAVY`).  A heavy
module there is a regression, and so is a missed goal; the exit status is then 1.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: The notice number `notices check` checks: valid, one of the seed's.
NOTICE = "001019100083901286"

#: The largest ours / floor (by the median) of each pair.
GOALS = {"--version": 1.2, "--help": 1.2, "portal info": 1.2, "notices check": 1.3}

#: Modules `--version` and `--help` must not load (the SDK, the network, the stub).
HEAVY = (
    "httpx",
    "pydantic",
    "keyring",
    "rich.table",
    "server_stub",
    "familycard._client",
    "fastapi",
    "uvicorn",
    "tenacity",
)

#: Modules an offline command (`notices check`) must not load: the network, the
#: client, the secrets, the stub, the checksum library it does not use, other areas' models.
OFFLINE_HEAVY = (
    "httpx",
    "tenacity",
    "keyring",
    "rich.table",
    "server_stub",
    "familycard._client",
    "familycard._http",
    "familycard.models",
    "fastapi",
    "uvicorn",
    "stdnum",
)

#: Modules `--json portal info` must not load: no rich with --json (but httpx imports
#: rich.console and rich.table for its own CLI when rich is installed: the floor's probe
#: shows it), no secrets, no stub, no checksum library, no rules, only the portal's models.
REQUEST_HEAVY = (
    "rich.console",
    "rich.table",
    "keyring",
    "server_stub",
    "fastapi",
    "uvicorn",
    "stdnum",
    "familycard.rules",
    "familycard.models.accounts",
    "familycard.models.meals",
    "familycard.models.notices",
    "familycard.models.utility",
)

MINIMAL_APP = '''\
from typing import Annotated

import typer

app = typer.Typer()


def _version(value: bool) -> None:
    if value:
        typer.echo("minimal 1.0")
        raise typer.Exit()


@app.command()
def main(
    name: Annotated[str, typer.Option(help="Who to greet.")] = "world",
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Say hello."""
    typer.echo(f"hello {name}")


def run() -> None:
    app(prog_name="minimal")
'''

MINIMAL_GET = '''\
import json
from typing import Annotated

import httpx
import typer

app = typer.Typer()


@app.command()
def main(portal: Annotated[str, typer.Option(help="The portal's URL.")]) -> None:
    """Print what the portal is, as JSON."""
    response = httpx.get(f"{portal}/v1/portal", timeout=10, verify=False)
    response.raise_for_status()
    typer.echo(json.dumps(response.json(), ensure_ascii=False, indent=2))


def run() -> None:
    app(prog_name="minimal_get")
'''

MINIMAL_OFFLINE = '''\
from typing import Annotated

import typer

app = typer.Typer()


@app.command()
def main(number: Annotated[str, typer.Argument(help="An 18-digit notice number.")]) -> None:
    """Check a notice number offline."""
    digits = "".join(number.split())
    if len(digits) != 18 or not digits.isdigit() or f"{int(digits[:16]) % 93:02d}" != digits[16:]:
        typer.echo(f"invalid notice number {digits}", err=True)
        raise typer.Exit(2)
    typer.echo(f"valid notice number {digits}")


def run() -> None:
    app(prog_name="minimal_offline")
'''

#: The floors: module name -> its source.
FLOORS = {"minimal": MINIMAL_APP, "minimal_get": MINIMAL_GET, "minimal_offline": MINIMAL_OFFLINE}


def console_script() -> Path:
    """The `familycard` console script next to this interpreter."""
    script = Path(sys.executable).parent / "familycard"
    if not script.is_file():
        sys.exit(f"no console script at {script}: pip install -e '.[stub,dev]' first")
    return script


def write_floor(folder: Path, ours: Path, name: str = "minimal") -> Path:
    """`NAME.py` (of `FLOORS`) and its launcher (a copy of ours but for the import line)."""
    (folder / f"{name}.py").write_text(FLOORS[name], encoding="utf-8")
    text = ours.read_text(encoding="utf-8")
    original = "from familycard_cli.main import run"
    if original not in text:
        sys.exit(f"unexpected console script layout in {ours}")
    launcher = folder / name
    launcher.write_text(text.replace(original, f"from {name} import run"), encoding="utf-8")
    launcher.chmod(0o755)
    return launcher


def once(command: list[str], env: dict[str, str]) -> float:
    """Seconds one run takes; the run must succeed."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.decode()}")
    return elapsed


def loaded(
    argv: list[str], env: dict[str, str], *, app: str, heavy: tuple[str, ...] = HEAVY
) -> list[str]:
    """HEAVY modules (or their submodules) present after running APP with ARGV in a
    fresh interpreter; APP is "ours" or the module of a floor."""
    run = f"from {'familycard_cli.main' if app == 'ours' else app} import run"
    code = (
        "import atexit, json, sys\n"
        f"heavy = {json.dumps(heavy)}\n"
        "atexit.register(lambda: sys.__stderr__.write("
        "'PROBE ' + json.dumps([h for h in heavy if any(m == h or m.startswith(h + '.') "
        "for m in sys.modules)]) + '\\n'))\n"
    )
    if argv:
        code += f"sys.argv = ['{app}', *{argv!r}]\n{run}\nrun()\n"
    else:
        code += "import typer\nfrom familycard_cli.main import app\ntyper.main.get_command(app)\n"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    for line in done.stderr.splitlines():
        if line.startswith("PROBE "):
            found: list[str] = json.loads(line.removeprefix("PROBE "))
            return found
    sys.exit(f"the probe of {app} {argv} failed: {done.stderr}")


def ratio(ours_t: list[float], floor_t: list[float]) -> tuple[float, float]:
    """ours / floor by the median and by the minimum."""
    return statistics.median(ours_t) / statistics.median(floor_t), min(ours_t) / min(floor_t)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (15)")
    args = parser.parse_args()

    from server_stub.server import StubServer

    ours = console_script()
    env = dict(os.environ)
    env.pop("FAMILYCARD_PORTAL", None)
    # Bytecode cached as for an installed package: with PYTHONDONTWRITEBYTECODE the
    # warm-up writes no `__pycache__`, and every run of ours compiles its modules anew.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["NO_COLOR"] = "1"
    failed = False
    with (
        tempfile.TemporaryDirectory(prefix="familycard-bench-") as tmp,
        StubServer() as stub,
    ):
        floor = write_floor(Path(tmp), ours)
        floor_get = write_floor(Path(tmp), ours, "minimal_get")
        floor_offline = write_floor(Path(tmp), ours, "minimal_offline")
        env_floor = {**env, "PYTHONPATH": tmp}  # only for the probes' `-c`
        portal = stub.portal_url("tortona")
        info = ["--json", "--portal", portal, "portal", "info"]
        check = ["notices", "check", NOTICE]
        commands = {
            ("ours", "--version"): [str(ours), "--version"],
            ("floor", "--version"): [str(floor), "--version"],
            ("ours", "--help"): [str(ours), "--help"],
            ("floor", "--help"): [str(floor), "--help"],
            ("ours", "portal info"): [str(ours), *info],
            ("floor", "portal info"): [str(floor_get), "--portal", portal],
            ("ours", "notices check"): [str(ours), *check],
            ("floor", "notices check"): [str(floor_offline), NOTICE],
        }
        for command in commands.values():  # warm-up: bytecode caches, disk cache
            once(command, env)
        times: dict[tuple[str, str], list[float]] = {key: [] for key in commands}
        keys = list(commands)
        for i in range(args.runs):
            # Alternate the order each round, so neither side always runs first.
            for key in keys if i % 2 == 0 else reversed(keys):
                times[key].append(once(commands[key], env))

        print(f"familycard start-up, {args.runs} runs each, interleaved ({sys.executable})")
        print(f"{'':22}{'median':>10}{'min':>10}")
        for (app, what), values in times.items():
            label = f"{app} {what}"
            median, fastest = statistics.median(values) * 1000, min(values) * 1000
            print(f"{label:22}{median:>8.1f}ms{fastest:>8.1f}ms")
        print()
        for what, goal in GOALS.items():
            by_median, by_min = ratio(times[("ours", what)], times[("floor", what)])
            verdict = "ok" if by_median <= goal else f"SLOWER than the {goal}x goal"
            print(
                f"ratio ours/floor {what:14} median {by_median:.2f}x  min {by_min:.2f}x  "
                f"(goal {goal}x) {verdict}"
            )
            failed = failed or by_median > goal

        print()
        print("heavy modules loaded (should be none):")
        checks = {
            "import + build click command": ([], "minimal", HEAVY),
            "--version": (["--version"], "minimal", HEAVY),
            "--help": (["--help"], "minimal", HEAVY),
            "--json portal info": (info, "minimal_get", REQUEST_HEAVY),
            "notices check": (check, "minimal_offline", OFFLINE_HEAVY),
        }
        floor_args = {"minimal_get": ["--portal", portal], "minimal_offline": [NOTICE]}
        heavy_found = False
        for label, (argv, floor_app, heavy) in checks.items():
            found = loaded(argv, env, app="ours", heavy=heavy)
            # What the floor loads for the same job is the price of Typer (and httpx).
            floor_argv = floor_args.get(floor_app, argv)
            baseline = loaded(floor_argv, env_floor, app=floor_app, heavy=heavy) if argv else []
            extra = [m for m in found if m not in baseline]
            shown = ", ".join(extra) or "none"
            note = f" (as the floor: {', '.join(baseline)})" if baseline else ""
            print(f"  {label:30} {shown}{note}")
            heavy_found = heavy_found or bool(extra)
        if heavy_found:
            print("  -> who imports them: python -X importtime -c 'import familycard_cli.main'")
    return 1 if failed or heavy_found else 0


if __name__ == "__main__":
    sys.exit(main())
