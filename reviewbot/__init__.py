"""Command line and entry points of reviewbot."""
