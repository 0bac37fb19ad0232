"""`familycard completion SHELL`: the shell completion script."""

from __future__ import annotations

from typing import Annotated

import typer


def completion(
    shell: Annotated[str, typer.Argument(help="bash, zsh, fish or powershell.")],
) -> None:
    """Print the completion script for a shell; add it to the shell's startup file.

    Example for bash: familycard completion bash >> ~/.bashrc
    """
    from typer._completion_shared import get_completion_script

    shells = ("bash", "zsh", "fish", "powershell", "pwsh")
    if shell not in shells:
        from familycard import InvalidInput

        raise InvalidInput(
            f"unknown shell {shell!r}; choose one of {', '.join(shells)}", code="invalid_shell"
        )
    script = get_completion_script(
        prog_name="familycard", complete_var="_FAMILYCARD_COMPLETE", shell=shell
    )
    typer.echo(script)
