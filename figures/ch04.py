"""Chapter 4 figures: score fields of a 2-D mixture, Langevin with and without annealing, DSM targets."""

from __future__ import annotations

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.colors import to_rgb

from common import BLUE, FG, GREEN, ORANGE, PURPLE, RED, plot_frames_json, svg_bytes

# The 2-D mixture of section 4.1 (isotropic components).
MIX_MEANS = np.array([[-1.5, -0.8], [1.5, -0.8], [0.0, 1.4]])
MIX_STDS = np.array([0.35, 0.5, 0.3])
MIX_WEIGHTS = np.array([0.5, 0.3, 0.2])


def gmm_logp_and_score(x: np.ndarray, y: np.ndarray, means, stds, weights, sigma: float = 0.0):
    """log p_σ and its gradient on arrays x, y (any shape) for an isotropic 2-D mixture plus N(0, σ² I).

    Elementwise numpy only (no BLAS), so the output is bit-stable.
    """
    var = stds**2 + sigma**2
    logs = []
    for (mx, my), v, w in zip(means, var, weights):
        logs.append(np.log(w) - np.log(2 * np.pi * v) - ((x - mx) ** 2 + (y - my) ** 2) / (2 * v))
    logs = np.stack(logs)
    m = logs.max(axis=0)
    r = np.exp(logs - m)
    tot = r.sum(axis=0)
    logp = m + np.log(tot)
    r = r / tot
    sx = np.zeros_like(x)
    sy = np.zeros_like(y)
    for k, ((mx, my), v) in enumerate(zip(means, var)):
        sx -= r[k] * (x - mx) / v
        sy -= r[k] * (y - my) / v
    return logp, sx, sy


def _density_bands(ax, xs, ys, dens, color=BLUE):
    levels = np.linspace(0.0, float(dens.max()) * 1.0001, 9)
    rgb = to_rgb(color)
    bands = [(*rgb, 0.0)] + [(*rgb, 0.10 + 0.6 * k / 6) for k in range(7)]
    ax.contourf(xs, ys, dens, levels=levels, colors=bands)


def score_fields() -> dict[str, bytes]:
    lim = 3.2
    xs = np.linspace(-lim, lim, 161)
    X, Y = np.meshgrid(xs, xs)
    qs = np.linspace(-lim + 0.2, lim - 0.2, 17)
    QX, QY = np.meshgrid(qs, qs)
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.6))
    for ax, sigma in zip(axes, [0.0, 0.5, 1.5]):
        logp, _, _ = gmm_logp_and_score(X, Y, MIX_MEANS, MIX_STDS, MIX_WEIGHTS, sigma)
        _density_bands(ax, xs, xs, np.exp(logp))
        _, sx, sy = gmm_logp_and_score(QX, QY, MIX_MEANS, MIX_STDS, MIX_WEIGHTS, sigma)
        norm = np.sqrt(sx**2 + sy**2)
        # Arrow length grows with |s| but saturates (log scale), so both slow and fast regions are legible.
        scale = np.log1p(norm) / np.maximum(norm, 1e-12)
        ax.quiver(QX, QY, sx * scale, sy * scale, color=ORANGE, angles="xy", scale_units="xy", scale=6.0,
                  width=0.004, headwidth=4)
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.grid(False)
        ax.set_xticks([-3, 0, 3])
        ax.set_yticks([-3, 0, 3])
        title = r"数据分布 $p$（$\sigma=0$）" if sigma == 0 else rf"加噪后 $p_\sigma$，$\sigma={sigma:g}$"
        ax.set_title(title)
    fig.subplots_adjust(wspace=0.15)
    return {"ch04/score-fields.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------
# Langevin on 0.2 N((−5, −5), I) + 0.8 N((5, 5), I) (the setting of Song & Ermon 2019, §3.2.2)

LW_MEANS = np.array([[-5.0, -5.0], [5.0, 5.0]])
LW_STDS = np.array([1.0, 1.0])
LW_WEIGHTS = np.array([0.2, 0.8])


def _langevin_runs(n: int = 2000, seed: int = 4):
    rng = np.random.default_rng(seed)
    x0 = rng.uniform(-8, 8, size=(n, 2))
    eps = 0.1
    # plain Langevin: 1000 steps of ε = 0.1 with the exact score
    x = x0.copy()
    traj_plain = [x.copy()]
    for _ in range(1000):
        _, sx, sy = gmm_logp_and_score(x[:, 0], x[:, 1], LW_MEANS, LW_STDS, LW_WEIGHTS, 0.0)
        z = rng.standard_normal((n, 2))
        x = x + 0.5 * eps * np.stack([sx, sy], 1) + np.sqrt(eps) * z
        traj_plain.append(x.copy())
    # annealed: σ_i geometric from 20 to 1 (L = 10), T = 100 steps each, α_i = ε σ_i² / σ_L²
    sigmas = np.exp(np.linspace(np.log(20.0), np.log(1.0), 10))
    y = x0.copy()
    traj_ann = [y.copy()]
    for s in sigmas:
        alpha = eps * s**2 / sigmas[-1] ** 2
        for _ in range(100):
            _, sx, sy = gmm_logp_and_score(y[:, 0], y[:, 1], LW_MEANS, LW_STDS, LW_WEIGHTS, float(s))
            z = rng.standard_normal((n, 2))
            y = y + 0.5 * alpha * np.stack([sx, sy], 1) + np.sqrt(alpha) * z
            traj_ann.append(y.copy())
    return np.stack(traj_plain), np.stack(traj_ann)


def langevin_annealing() -> dict[str, bytes]:
    tp, ta = _langevin_runs()
    lim = 11
    xs = np.linspace(-lim, lim, 221)
    X, Y = np.meshgrid(xs, xs)
    logp, _, _ = gmm_logp_and_score(X, Y, LW_MEANS, LW_STDS, LW_WEIGHTS, 0.0)
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 4.2))
    # plain: every 5th step; annealed: the end of each noise level (one point per level)
    for ax, traj, stride, name in zip(axes, [tp, ta], [5, 100], ["朗之万（单一噪声水平）", "退火朗之万（10 级噪声）"]):
        _density_bands(ax, xs, xs, np.exp(logp), color=BLUE)
        for i, c in zip(range(6), [ORANGE, GREEN, PURPLE, RED, ORANGE, GREEN]):
            ax.plot(traj[::stride, i, 0], traj[::stride, i, 1], color=c, lw=0.7 if stride > 5 else 0.5, alpha=0.8,
                    marker="." if stride > 5 else None, ms=3)
            ax.plot(traj[0, i, 0], traj[0, i, 1], "o", color=c, ms=3.5)
        fin = traj[-1]
        ax.scatter(fin[:400, 0], fin[:400, 1], s=2.0, color=FG, alpha=0.6, linewidths=0)
        frac = float(np.mean(fin[:, 0] + fin[:, 1] < 0))
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.grid(False)
        ax.set_title(f"{name}\n左下峰中的比例 {frac:.2f}（真实值 0.20）", fontsize=10)
    fig.subplots_adjust(wspace=0.15)
    return {"ch04/langevin-annealing.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------
# DSM targets in 1-D: data 0.5 N(−2, 0.5²) + 0.5 N(2, 0.5²)

M1 = np.array([-2.0, 2.0])
S1 = np.array([0.5, 0.5])
W1 = np.array([0.5, 0.5])


def _score_1d(x: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    var = S1**2 + sigma**2
    logs = np.stack([np.log(w) - 0.5 * np.log(2 * np.pi * v) - (x - m) ** 2 / (2 * v) for m, v, w in zip(M1, var, W1)])
    mx = logs.max(axis=0)
    r = np.exp(logs - mx)
    tot = r.sum(axis=0)
    r = r / tot
    s = -(r[0] * (x - M1[0]) / var[0] + r[1] * (x - M1[1]) / var[1])
    return np.exp(mx) * tot, s


def dsm_targets() -> dict[str, bytes]:
    rng = np.random.default_rng(11)
    fig, axes = plt.subplots(1, 4, figsize=(12.0, 3.3), gridspec_kw={"width_ratios": [1, 1, 1, 1.15]})
    xs = np.linspace(-4.5, 4.5, 601)
    for ax, sigma in zip(axes[:3], [1.0, 0.3, 0.1]):
        n = 300
        comp = rng.integers(0, 2, n)
        x0 = M1[comp] + S1[comp] * rng.standard_normal(n)
        z = rng.standard_normal(n)
        xt = x0 + sigma * z
        ax.scatter(xt, -z / sigma, s=3.0, color=FG, alpha=0.5, linewidths=0, label=r"目标 $-z/\sigma$")
        _, s = _score_1d(xs, sigma)
        ax.plot(xs, s, color=ORANGE, lw=1.8, label=r"$\nabla\log p_\sigma$")
        ax.set_xlim(-4.5, 4.5)
        lim = 3.2 / sigma
        ax.set_ylim(-lim, lim)
        ax.set_xlabel(r"$\tilde x$")
        ax.set_title(rf"$\sigma={sigma:g}$")
    axes[0].legend(loc="upper right", fontsize=8, markerscale=3)
    # E|z/σ|² = 1/σ² vs the Fisher information E|∇ log p_σ|² (numerical integral on a fine grid)
    sig = np.exp(np.linspace(np.log(0.01), np.log(3.0), 60))
    grid = np.linspace(-9.0, 9.0, 36001)
    dx = grid[1] - grid[0]
    fisher = []
    for s_ in sig:
        p, s = _score_1d(grid, float(s_))
        fisher.append(float(np.sum(p * s * s) * dx))
    fisher = np.array(fisher)
    ax = axes[3]
    ax.loglog(sig, 1.0 / sig**2, color=PURPLE, label=r"$\mathbb{E}\,(z/\sigma)^2=1/\sigma^2$")
    ax.loglog(sig, fisher, color=ORANGE, label=r"$\mathbb{E}\,(\nabla\log p_\sigma)^2$")
    ax.loglog(sig, 1.0 / sig**2 - fisher, color=BLUE, ls="--", label="差值：不可约的目标方差")
    ax.set_xlabel(r"$\sigma$（对数刻度）")
    ax.set_title("目标的二阶矩")
    ax.legend(loc="lower left", fontsize=8)
    fig.subplots_adjust(wspace=0.32)
    return {"ch04/dsm-targets.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------
# Noise levels (4.4.1, interactive): p_σ = p_data * N(0, σ²) and its score for the 1-D mixture above.

NOISE_SIGMAS = np.exp(np.linspace(np.log(0.02), np.log(4.0), 25))


def _valley_ratio(sigma: float) -> float:
    p, _ = _score_1d(np.array([0.0, 2.0]), sigma)
    return float(p[0] / p[1])


def _ratio_text(r: float) -> str:
    if r >= 0.01:
        return f"{r:.2f}"
    mant, exp = f"{r:.1e}".split("e")
    sup = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return f"{mant}×10{str(int(exp)).translate(sup)}"


def noise_levels() -> dict[str, bytes]:
    xs = np.linspace(-5.0, 5.0, 401)
    p0, _ = _score_1d(xs, 0.02)
    frames = []
    for sigma in NOISE_SIGMAS:
        p, sc = _score_1d(xs, float(sigma))
        frames.append({
            "readout": f"σ = {sigma:.3g}：x = 0 与 x = 2 处的加噪密度之比 {_ratio_text(_valley_ratio(float(sigma)))}，"
                       f"分数的最大幅值 {np.abs(sc).max():.3g}",
            "data": [p0, p, np.clip(sc, -20, 20)],
        })
    doc = plot_frames_json(
        slider={"label": "噪声水平 σ", "values": NOISE_SIGMAS, "initial": 12},
        panels=[{"title": "加噪密度", "xlim": [-5, 5], "ylim": [0, 0.85], "xlabel": "x", "ylabel": "密度"},
                {"title": "分数", "xlim": [-5, 5], "ylim": [-10, 10], "xlabel": "x", "ylabel": "分数"}],
        series=[{"panel": 0, "kind": "line", "color": "gray", "label": "数据密度（σ → 0）", "x": xs},
                {"panel": 0, "kind": "fill", "color": "blue", "label": "加噪密度", "x": xs},
                {"panel": 1, "kind": "line", "color": "orange", "label": "分数", "x": xs}],
        frames=frames)
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.2))
    for sigma, color in zip([0.05, 0.5, 1.0, 2.0], [FG, BLUE, GREEN, PURPLE]):
        p, sc = _score_1d(xs, sigma)
        axes[0].plot(xs, p, color=color, lw=1.6, label=rf"$\sigma={sigma:g}$")
        axes[1].plot(xs, np.clip(sc, -20, 20), color=color, lw=1.6)
    axes[0].set_ylim(0, 0.85)
    axes[0].set_title(r"加噪密度 $p_\sigma$")
    axes[0].legend(loc="upper center", fontsize=8)
    axes[1].set_ylim(-10, 10)
    axes[1].set_title(r"分数 $\nabla\log p_\sigma$")
    for ax in axes:
        ax.set_xlim(-5, 5)
        ax.set_xlabel(r"$x$")
    fig.subplots_adjust(wspace=0.25)
    return {"ch04/noise-levels.svg": svg_bytes(fig), "ch04/noise-levels.json": doc}


FIGURES = [score_fields, langevin_annealing, dsm_targets, noise_levels]
