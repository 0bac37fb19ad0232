"""The stub's rules and state, one module per area; routes only parse and call these."""
