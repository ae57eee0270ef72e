"""Chapter 6 figures: conditional vs marginal paths (1-D), independent vs minibatch-OT couplings (2-D),
sample error vs Euler steps for the linear and the cosine (VP) path with exact velocity fields.

Book convention: data at t = 0, source N(0, I) at t = 1; x_t = a_t x0 + sigma_t x1.
Only elementwise numpy (no BLAS), so the output is byte-identical everywhere.
"""

from __future__ import annotations

import numpy as np
import matplotlib.pyplot as plt

from common import BLUE, FG, GREEN, ORANGE, PURPLE, RED, plot_frames_json, svg_bytes
import toy


def _coeffs(t: float, path: str) -> tuple[float, float, float, float]:
    if path == "linear":
        return 1.0 - t, t, -1.0, 1.0
    h = np.pi / 2
    return float(np.cos(h * t)), float(np.sin(h * t)), float(-h * np.sin(h * t)), float(h * np.cos(h * t))


def _mixture_velocity(x: np.ndarray, t: float, means: np.ndarray, tau: float, path: str) -> np.ndarray:
    """Exact marginal velocity for data = equal-weight mixture of N(means[k], tau^2 I), source N(0, I).

    x: (n, d); means: (K, d). Elementwise numpy only.
    """
    a, s, da, ds = _coeffs(t, path)
    var = a * a * tau * tau + s * s
    diff = x[:, None, :] - a * means[None, :, :]  # (n, K, d)
    logw = -(diff * diff).sum(-1) / (2 * var)
    logw = logw - logw.max(1, keepdims=True)
    w = np.exp(logw)
    w = w / w.sum(1, keepdims=True)
    ex0 = means[None] + (a * tau * tau / var) * diff
    ex1 = (s / var) * diff
    uk = da * ex0 + ds * ex1
    return (w[:, :, None] * uk).sum(1)


def _mixture_density_1d(x: np.ndarray, t: float, means: np.ndarray, tau: float) -> np.ndarray:
    a, s, _, _ = _coeffs(t, "linear")
    var = a * a * tau * tau + s * s
    dens = np.zeros_like(x)
    for m in means[:, 0]:
        dens += np.exp(-((x - a * m) ** 2) / (2 * var)) / np.sqrt(2 * np.pi * var)
    return dens / len(means)


# ---------------------------------------------------------------------------------------------------
# conditional-vs-marginal: 1-D, data = ±1 (tau = 0.05), source N(0, 1), linear path.

CVM_TAU = 0.05
CVM_N = 28


def conditional_vs_marginal() -> dict[str, bytes]:
    rng = np.random.default_rng(6)
    means = np.array([[-1.0], [1.0]])
    x1 = np.sort(rng.standard_normal(CVM_N))
    k = rng.integers(0, 2, CVM_N)
    x0 = means[k, 0] + CVM_TAU * rng.standard_normal(CVM_N)
    ts = np.linspace(0.0, 1.0, 201)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.4), sharey=True)
    for i in range(CVM_N):
        col = ORANGE if x0[i] > 0 else BLUE
        a1.plot(ts, (1 - ts) * x0[i] + ts * x1[i], color=col, lw=1.0, alpha=0.85)
    a1.set_title("条件路径（直线，会交叉）", fontsize=12)
    # density background for the marginal path
    grid_x = np.linspace(-3.0, 3.0, 241)
    grid_t = np.linspace(0.02, 1.0, 99)
    dens = np.stack([_mixture_density_1d(grid_x, t, means, CVM_TAU) for t in grid_t], axis=1)
    a2.imshow(np.sqrt(dens), origin="lower", extent=(0.02, 1.0, -3.0, 3.0), aspect="auto", cmap="Greys",
              alpha=0.45, interpolation="bilinear")
    steps = 400
    h = 1.0 / steps
    x = x1.copy()[:, None]
    traj = [x[:, 0].copy()]
    for j in range(steps):
        t = 1.0 - j * h
        x = x - h * _mixture_velocity(x, t, means, CVM_TAU, "linear")
        traj.append(x[:, 0].copy())
    traj = np.array(traj)  # (steps + 1, n), t from 1 down to 0
    tt = 1.0 - h * np.arange(steps + 1)
    for i in range(CVM_N):
        col = ORANGE if traj[-1, i] > 0 else BLUE
        a2.plot(tt, traj[:, i], color=col, lw=1.0, alpha=0.9)
    a2.set_title("边缘速度场的 ODE 轨迹（不交叉）", fontsize=12)
    for ax in (a1, a2):
        ax.set_xlim(0, 1)
        ax.set_ylim(-3, 3)
        ax.set_xlabel("$t$（左端是数据，右端是源分布）", fontsize=11)
        ax.tick_params(labelsize=10)
    a1.set_ylabel("$x$", fontsize=12)
    fig.subplots_adjust(wspace=0.06)
    return {"ch06/conditional-vs-marginal.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------
# couplings: 8 Gaussians (source, radius 2, std 0.1, divided by 2) -> standardized two moons, n = 64.


def _eight_gaussians(n: int, rng: np.random.Generator) -> np.ndarray:
    k = rng.integers(0, 8, n)
    ang = k * (np.pi / 4)
    c = 2.0 * np.stack([np.cos(ang), np.sin(ang)], axis=1)
    return (c + 0.1 * rng.standard_normal((n, 2))) / 2.0


def _hungarian(cost: np.ndarray) -> np.ndarray:
    """Exact linear assignment (square cost), O(n^3); returns col[i] assigned to row i."""
    n = cost.shape[0]
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (n + 1)
    p = [0] * (n + 1)
    way = [0] * (n + 1)
    c = [[0.0] * (n + 1)] + [[0.0] + [float(cost[i, j]) for j in range(n)] for i in range(n)]
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = inf
            j1 = 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = c[i0][j] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    col = np.zeros(n, dtype=int)
    for j in range(1, n + 1):
        col[p[j] - 1] = j - 1
    return col


COUP_N = 64


def couplings() -> dict[str, bytes]:
    rng = np.random.default_rng(64)
    ref, _ = toy.two_moons(20000, rng)
    mu, sd = ref.mean(0), ref.std(0)
    x0, _ = toy.two_moons(COUP_N, rng)
    x0 = (x0 - mu) / sd
    x1 = _eight_gaussians(COUP_N, rng)
    d = x0[:, None, :] - x1[None, :, :]
    cost = (d * d).sum(-1)
    perm = _hungarian(cost)
    ind_cost = float((cost[np.arange(COUP_N), np.arange(COUP_N)]).mean())
    ot_cost = float(cost[np.arange(COUP_N), perm].mean())
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.0), sharey=True)
    for ax, pairs, title, c in [
        (axes[0], np.arange(COUP_N), f"独立耦合（平均代价 {ind_cost:.2f}）", ind_cost),
        (axes[1], perm, f"小批量最优传输（平均代价 {ot_cost:.2f}）", ot_cost),
    ]:
        for i in range(COUP_N):
            j = pairs[i]
            ax.plot([x0[i, 0], x1[j, 0]], [x0[i, 1], x1[j, 1]], color=FG, lw=0.7, alpha=0.6)
        ax.plot(x1[:, 0], x1[:, 1], "o", ms=3.2, mew=0, color=BLUE, label="源样本 $x_1$（8 个高斯）")
        ax.plot(x0[:, 0], x0[:, 1], "o", ms=3.2, mew=0, color=ORANGE, label="数据 $x_0$（双月）")
        ax.set_title(title, fontsize=12)
        ax.set_xlim(-2.6, 2.6)
        ax.set_ylim(-2.6, 2.6)
        ax.set_aspect("equal")
        ax.tick_params(labelsize=10)
    axes[0].legend(loc="lower left", fontsize=9, markerscale=1.5, handletextpad=0.2, borderaxespad=0.2)
    fig.subplots_adjust(wspace=0.06)
    return {"ch06/couplings.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------
# steps-quality: 8-component 2-D mixture (radius 1.5, tau 0.15), exact velocity fields for the linear
# and the cosine path, Euler with N steps; sliced W2 to exact data samples (mean over 3 seeds).

SQ_STEPS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64]
SQ_N = 2000
SQ_TAU = 0.15
SQ_PROJ = 128


def _sliced_w2(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> float:
    th = rng.standard_normal((SQ_PROJ, 2))
    th = th / np.sqrt((th * th).sum(1, keepdims=True))
    px = np.sort(x[:, None, 0] * th[None, :, 0] + x[:, None, 1] * th[None, :, 1], axis=0)
    py = np.sort(y[:, None, 0] * th[None, :, 0] + y[:, None, 1] * th[None, :, 1], axis=0)
    return float(np.sqrt(((px - py) ** 2).mean()))


def steps_quality() -> dict[str, bytes]:
    ang = np.arange(8) * (np.pi / 4)
    means = 1.5 * np.stack([np.cos(ang), np.sin(ang)], axis=1)
    res = {"linear": [], "cosine": []}
    floor = []
    for seed in (0, 1, 2):
        rng = np.random.default_rng(600 + seed)
        x1 = rng.standard_normal((SQ_N, 2))
        data = means[rng.integers(0, 8, SQ_N)] + SQ_TAU * rng.standard_normal((SQ_N, 2))
        data2 = means[rng.integers(0, 8, SQ_N)] + SQ_TAU * rng.standard_normal((SQ_N, 2))
        floor.append(_sliced_w2(data, data2, np.random.default_rng(700 + seed)))
        for path in res:
            row = []
            for n in SQ_STEPS:
                h = 1.0 / n
                x = x1.copy()
                for k in range(n):
                    x = x - h * _mixture_velocity(x, 1.0 - k * h, means, SQ_TAU, path)
                row.append(_sliced_w2(x, data, np.random.default_rng(700 + seed)))
            res[path].append(row)
    for seed in range(3, 12):  # the noise floor from more pairs: one pair of 2000-point sets varies by about ±0.02
        rng = np.random.default_rng(600 + seed)
        data = means[rng.integers(0, 8, SQ_N)] + SQ_TAU * rng.standard_normal((SQ_N, 2))
        data2 = means[rng.integers(0, 8, SQ_N)] + SQ_TAU * rng.standard_normal((SQ_N, 2))
        floor.append(_sliced_w2(data, data2, np.random.default_rng(700 + seed)))
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for path, col, label in [("linear", ORANGE, "直线路径（最优传输位移）"), ("cosine", BLUE, "三角 VP 路径")]:
        arr = np.array(res[path])
        ax.plot(SQ_STEPS, arr.mean(0), "o-", color=col, ms=4, lw=1.6, label=label)
    ax.axhline(float(np.mean(floor)), color=GREEN, lw=1.2, ls="--", label="两组独立的数据样本之间（12 对的平均）")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(SQ_STEPS)
    ax.set_xticklabels([str(s) for s in SQ_STEPS])
    ax.minorticks_off()
    ax.set_xlabel("欧拉步数 $N$", fontsize=11)
    ax.set_ylabel("切片 Wasserstein 距离", fontsize=11)
    ax.tick_params(labelsize=10)
    ax.legend(fontsize=9.5, loc="upper right")
    return {"ch06/steps-quality.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------
# marginal-velocity (interactive): the worked example of 6.2.2 — data = ±1 exactly (equal weights),
# source N(0, 1), linear path. Given y, x_t ~ N((1 - t) y, t^2); posterior p(y = +1 | x) =
# sigmoid(2 (1 - t) x / t^2); u_t(x) = (x - tanh((1 - t) x / t^2)) / t; conditional u_t(x | y) = (x - y) / t.

MV_TS = [round(0.1 + 0.05 * i, 2) for i in range(19)]  # 0.1 … 1.0
MV_CLIP = 12.0


def _mv_density(x: np.ndarray, t: float) -> np.ndarray:
    dens = np.zeros_like(x)
    for y in (-1.0, 1.0):
        dens += 0.5 * np.exp(-((x - (1 - t) * y) ** 2) / (2 * t * t)) / (np.sqrt(2 * np.pi) * t)
    return dens


def _mv_velocity(x: np.ndarray, t: float) -> np.ndarray:
    return (x - np.tanh((1 - t) * x / (t * t))) / t


def marginal_velocity() -> dict[str, bytes]:
    xs = np.linspace(-3.0, 3.0, 301)
    frames = []
    for t in MV_TS:
        x = 0.25
        post = 1.0 / (1.0 + np.exp(-2 * (1 - t) * x / (t * t)))
        u = float(_mv_velocity(np.array([x]), t)[0])
        frames.append({
            "readout": f"t = {t:.2f}：x = 0.25 处后验 p(y = +1 | x) = {post:.3f}，边缘速度 {u:.3g}"
                       f"（去 +1 的条件速度 {(x - 1) / t:.3g}，去 −1 的 {(x + 1) / t:.3g}）",
            "data": [_mv_density(xs, t),
                     np.clip(_mv_velocity(xs, t), -MV_CLIP, MV_CLIP),
                     np.clip((xs - 1) / t, -MV_CLIP, MV_CLIP),
                     np.clip((xs + 1) / t, -MV_CLIP, MV_CLIP)],
        })
    doc = plot_frames_json(
        slider={"label": "时间 t（数据在 t = 0）", "values": MV_TS, "initial": MV_TS.index(0.5)},
        panels=[{"title": "边缘密度 p_t", "xlim": [-3, 3], "ylim": [0, 2.05], "xlabel": "x", "ylabel": "密度"},
                {"title": "速度", "xlim": [-3, 3], "ylim": [-MV_CLIP, MV_CLIP], "xlabel": "x", "ylabel": "u_t(x)"}],
        series=[{"panel": 0, "kind": "fill", "color": "blue", "label": "p_t", "x": xs},
                {"panel": 1, "kind": "line", "color": "blue", "label": "边缘速度", "x": xs},
                {"panel": 1, "kind": "line", "color": "orange", "label": "去 +1 的条件速度", "x": xs},
                {"panel": 1, "kind": "line", "color": "green", "label": "去 −1 的条件速度", "x": xs}],
        frames=frames)
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.2))
    for t, color in zip([1.0, 0.5, 0.25, 0.1], [FG, BLUE, GREEN, PURPLE]):
        axes[0].plot(xs, _mv_density(xs, t), color=color, lw=1.6, label=rf"$t={t:g}$")
        axes[1].plot(xs, np.clip(_mv_velocity(xs, t), -MV_CLIP, MV_CLIP), color=color, lw=1.6)
    axes[0].set_ylim(0, 2.05)
    axes[0].set_title(r"边缘密度 $p_t$")
    axes[0].legend(loc="upper center", fontsize=8)
    axes[1].set_ylim(-MV_CLIP, MV_CLIP)
    axes[1].set_title(r"边缘速度 $u_t(x)$")
    for ax in axes:
        ax.set_xlim(-3, 3)
        ax.set_xlabel(r"$x$")
    fig.subplots_adjust(wspace=0.25)
    return {"ch06/marginal-velocity.svg": svg_bytes(fig), "ch06/marginal-velocity.json": doc}


FIGURES = [conditional_vs_marginal, couplings, steps_quality, marginal_velocity]
_UNUSED = (PURPLE, RED)
