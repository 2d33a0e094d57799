"""Private Numba layer: packed float64/int64 arrays in, arrays out; no Python objects.

Nothing here is public API. Each kernel has a slow, readable reference implementation in
``tests/reference`` that the unit tests compare against on small seeded inputs.
"""
