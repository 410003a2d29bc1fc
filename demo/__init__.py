"""The bundled demo: loopback sites and import files that `make demo` monitors."""
