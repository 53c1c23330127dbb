"""Benchmarks: figures that judge every change (see docs/benchmarks.md)."""
