"""GitHub outputs, one module each: every module holding a `PUBLISHER` is one output.

See `reporter.github.publishing` for the interface and the phases.
"""
