"""Benchmarks: each stage against a naive baseline in the same run (``make bench``)."""
