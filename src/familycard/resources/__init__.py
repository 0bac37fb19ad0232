"""One class per API area, attached to `Client` lazily."""
