#!/usr/bin/env python3
"""Writes the loss matrix of ../shared/peers/cvar_scipy.py (same generator, same seed, same draws in
the same order) as little-endian float64, scenario-major (S x n), so the engine solves the peer's
exact problem. Usage: cvar_peer_data.py N S SEED OUT"""
import sys
import numpy as np

n, S, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(seed)
F = rng.standard_t(4, size=(S, 4)) * 0.02
B = rng.normal(size=(4, n)) * 0.5
L = -(F @ B + rng.normal(size=(S, n)) * 0.01)
np.ascontiguousarray(L, dtype="<f8").tofile(out)
