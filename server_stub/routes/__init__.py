"""Thin routes: parse, call the backend, return the model."""
