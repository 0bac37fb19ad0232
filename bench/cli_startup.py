"""How long `familycard --version` and `familycard --help` take, against the floor.

Run: `.venv/bin/python bench/cli_startup.py [--runs N]`.  Not a test: it prints figures.

The floor is the smallest Typer CLI there is: one command with an eager `--version`
option, written to a temporary folder.  Any Typer app pays its start-up (the interpreter,
typer, click, rich for the help screen); what we can control is what familycard adds on
top.  The goal: ours / floor <= 1.2 for both commands.

A fair comparison runs both the same way.  Ours runs as a user runs it, through the
console script that pip installed next to the interpreter (`.venv/bin/familycard`: a
shebang for this interpreter, `from familycard_cli.main import run`, `sys.exit(run())`).
The floor gets a launcher built from that very file's text, with only the import line
changed to `from minimal import run`, in the same folder as `minimal.py`.  So both start
the same interpreter through the kernel's shebang, both run the same launcher code, and
both import their app as a module (with bytecode cached in `__pycache__` after the warm-up
run), in the same environment.  Running `python -c ...` for both would be fair as well,
but would not measure the entry point users actually run.

The runs are interleaved (ours, floor, floor, ours, ...) so that both share the machine's
noise; the report gives the median and the minimum of each, and the ratios of both.

Then, in fresh interpreters, it lists which heavy modules familycard loads: after
importing `familycard_cli.main` and building the click command, and after `--version`
and `--help` (less what the floor loads itself: typer's rich help screen needs
`rich.table`).  A heavy module there is a regression; the exit status is then 1.
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

GOAL = 1.2

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


def console_script() -> Path:
    """The `familycard` console script next to this interpreter."""
    script = Path(sys.executable).parent / "familycard"
    if not script.is_file():
        sys.exit(f"no console script at {script}: pip install -e '.[stub,dev]' first")
    return script


def write_floor(folder: Path, ours: Path) -> Path:
    """`minimal.py` and its launcher (a copy of ours but for the import line)."""
    (folder / "minimal.py").write_text(MINIMAL_APP, encoding="utf-8")
    text = ours.read_text(encoding="utf-8")
    original = "from familycard_cli.main import run"
    if original not in text:
        sys.exit(f"unexpected console script layout in {ours}")
    launcher = folder / "minimal"
    launcher.write_text(text.replace(original, "from minimal import run"), encoding="utf-8")
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


def loaded(argv: list[str], env: dict[str, str], *, app: str) -> list[str]:
    """HEAVY modules present after running APP with ARGV in a fresh interpreter."""
    run = f"from {'familycard_cli.main' if app == 'ours' else 'minimal'} import run"
    code = (
        "import atexit, json, sys\n"
        f"heavy = {json.dumps(HEAVY)}\n"
        "atexit.register(lambda: sys.__stderr__.write("
        "'PROBE ' + json.dumps([m for m in heavy if m in sys.modules]) + '\\n'))\n"
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (15)")
    args = parser.parse_args()

    ours = console_script()
    env = dict(os.environ)
    env.pop("FAMILYCARD_PORTAL", None)
    env["NO_COLOR"] = "1"
    failed = False
    with tempfile.TemporaryDirectory(prefix="familycard-bench-") as tmp:
        floor = write_floor(Path(tmp), ours)
        env_floor = {**env, "PYTHONPATH": tmp}  # only for the probes' `-c`
        commands = {
            ("ours", "--version"): [str(ours), "--version"],
            ("floor", "--version"): [str(floor), "--version"],
            ("ours", "--help"): [str(ours), "--help"],
            ("floor", "--help"): [str(floor), "--help"],
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
        for (app, flag), values in times.items():
            label = f"{app} {flag}"
            median, fastest = statistics.median(values) * 1000, min(values) * 1000
            print(f"{label:22}{median:>8.1f}ms{fastest:>8.1f}ms")
        print()
        for flag in ("--version", "--help"):
            ours_t, floor_t = times[("ours", flag)], times[("floor", flag)]
            by_median = statistics.median(ours_t) / statistics.median(floor_t)
            by_min = min(ours_t) / min(floor_t)
            verdict = "ok" if by_median <= GOAL else f"SLOWER than the {GOAL}x goal"
            print(
                f"ratio ours/floor {flag:10} median {by_median:.2f}x  min {by_min:.2f}x  {verdict}"
            )

        print()
        print("heavy modules loaded (should be none):")
        checks = {
            "import + build click command": ([], env, "ours"),
            "--version": (["--version"], env, "ours"),
            "--help": (["--help"], env, "ours"),
        }
        for label, (argv, probe_env, app) in checks.items():
            found = loaded(argv, probe_env, app=app)
            # What the floor loads for the same flag is the price of Typer itself.
            baseline = loaded(argv, env_floor, app="floor") if argv else []
            extra = [m for m in found if m not in baseline]
            shown = ", ".join(extra) or "none"
            note = f" (as the floor: {', '.join(baseline)})" if baseline else ""
            print(f"  {label:30} {shown}{note}")
            failed = failed or bool(extra)
        if failed:
            print("  -> who imports them: python -X importtime -c 'import familycard_cli.main'")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
