"""Numpy versions of the schedules and toy data the figures need (no torch here).

These follow the book's conventions (符号表): t = 0 is data, steps t = 1..T, an array of length T holds
step t at index t - 1.
"""

from __future__ import annotations

import numpy as np

T = 1000


def linear_betas(T: int = T, beta_start: float = 1e-4, beta_end: float = 0.02) -> np.ndarray:
    return np.linspace(beta_start, beta_end, T, dtype=np.float64)


def cosine_betas(T: int = T, s: float = 0.008, max_beta: float = 0.999) -> np.ndarray:
    """Nichol & Dhariwal (2021): ᾱ(t) = f(t)/f(0), f(t) = cos²((t/T + s)/(1 + s) · π/2), β clipped."""
    t = np.arange(T + 1, dtype=np.float64)
    f = np.cos((t / T + s) / (1 + s) * np.pi / 2) ** 2
    return np.minimum(1.0 - f[1:] / f[:-1], max_beta)


def alpha_bar(betas: np.ndarray) -> np.ndarray:
    return np.cumprod(1.0 - betas)


def log_snr(abar: np.ndarray) -> np.ndarray:
    return np.log(abar) - np.log1p(-abar)


def two_moons(n: int, rng: np.random.Generator, noise: float = 0.06) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles, centred and scaled like minidiff.data.two_moons.

    Returns points (n, 2) and the moon label (n,) in {0, 1}.
    """
    n0 = n // 2
    n1 = n - n0
    th0 = np.pi * rng.random(n0)
    th1 = np.pi * rng.random(n1)
    outer = np.stack([np.cos(th0), np.sin(th0)], axis=1)
    inner = np.stack([1.0 - np.cos(th1), 0.5 - np.sin(th1)], axis=1)
    x = np.concatenate([outer, inner]) - np.array([0.5, 0.25])
    x = 1.4 * x + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)])
    return x, y
