"""Chapter 5 figures: forward SDE paths, reverse SDE vs probability-flow ODE, sampler error vs steps.

Everything is computed here with elementwise numpy (no BLAS), fixed seeds, and the analytic score of
Gaussian-mixture data, so no network is trained.
"""

from __future__ import annotations

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.colors import to_rgb

from common import BLUE, FG, GREEN, ORANGE, PURPLE, RED, svg_bytes

BETA_MIN, BETA_MAX = 0.1, 20.0


def _beta(t):
    return BETA_MIN + t * (BETA_MAX - BETA_MIN)


def _int_beta(t):
    return BETA_MIN * t + 0.5 * (BETA_MAX - BETA_MIN) * t * t


def _vp(t):
    """VP kernel coefficients (a, sigma) at time t."""
    B = _int_beta(t)
    return np.exp(-0.5 * B), np.sqrt(-np.expm1(-B))


# ---------------------------------------------------------------------------------------------------
# forward-sde-paths: 1-D mixture of chapter 1 under the VP SDE

MIX1 = {"weights": np.array([0.35, 0.65]), "means": np.array([-2.0, 1.5]), "stds": np.array([0.4, 0.6])}


def _mix1_density(x, t):
    a, s = _vp(t)
    out = np.zeros_like(x)
    for w, m, sd in zip(MIX1["weights"], MIX1["means"], MIX1["stds"]):
        var = a * a * sd * sd + s * s
        out += w * np.exp(-((x - a * m) ** 2) / (2 * var)) / np.sqrt(2 * np.pi * var)
    return out


def forward_sde_paths() -> dict[str, bytes]:
    rng = np.random.default_rng(5)
    n_paths, n_hist, N = 40, 20000, 1000
    h = 1.0 / N
    ts = np.linspace(0.0, 1.0, N + 1)
    k = rng.choice(2, size=n_hist, p=MIX1["weights"])
    x = MIX1["means"][k] + MIX1["stds"][k] * rng.standard_normal(n_hist)
    keep = {100: None, 300: None, 1000: None}
    paths = np.empty((N + 1, n_paths))
    paths[0] = x[:n_paths]
    for n in range(N):
        b = _beta(ts[n])
        x = x - 0.5 * b * x * h + np.sqrt(b * h) * rng.standard_normal(n_hist)
        paths[n + 1] = x[:n_paths]
        if n + 1 in keep:
            keep[n + 1] = x.copy()

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9.6, 3.5), gridspec_kw={"width_ratios": [1.25, 1]})
    tg = np.linspace(0.0, 1.0, 201)
    xg = np.linspace(-4.0, 4.0, 161)
    dens = np.stack([_mix1_density(xg, t) for t in tg], axis=1)
    levels = np.linspace(0.0, float(dens.max()) * 1.0001, 11)
    rgb = to_rgb(BLUE)
    bands = [(*rgb, 0.0)] + [(*rgb, 0.10 + 0.6 * j / 8) for j in range(9)]
    a1.contourf(tg, xg, dens, levels=levels, colors=bands)
    for j in range(n_paths):
        a1.plot(ts[::4], paths[::4, j], color=ORANGE, lw=0.5, alpha=0.75)
    a1.set_xlim(0, 1)
    a1.set_ylim(-4, 4)
    a1.set_xlabel(r"时间 $t$")
    a1.set_ylabel(r"$x$")
    a1.set_title(r"VP SDE 的样本路径与精确边缘 $p_t(x)$")
    a1.grid(False)

    xs = np.linspace(-4.0, 4.0, 401)
    colors = {100: BLUE, 300: PURPLE, 1000: ORANGE}
    for n, xv in keep.items():
        t = n / N
        a2.hist(xv, bins=np.linspace(-4, 4, 65), density=True, color=colors[n], alpha=0.28, lw=0)
        a2.plot(xs, _mix1_density(xs, t), color=colors[n], lw=1.6, label=f"$t = {t:g}$")
    a2.set_xlim(-4, 4)
    a2.set_xlabel(r"$x$")
    a2.set_title(r"路径直方图（柱）与精确边缘（曲线）")
    a2.legend(loc="upper left", fontsize=8)
    fig.subplots_adjust(wspace=0.25)
    return {"ch05/forward-sde-paths.svg": svg_bytes(fig)}


FIGURES = [forward_sde_paths]
