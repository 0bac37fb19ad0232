"""The `familycard` command-line tool: a thin layer over the SDK."""
