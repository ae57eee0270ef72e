"""Chapter 8 figures: DDIM vs DDPM trajectories, time grids, sampler error against NFE.

Everything runs on the 8-Gaussian mixture with its exact ε(x, t), in numpy with elementwise operations
only (no BLAS), so the bytes do not depend on the CPU. The samplers here mirror the formulas of
book/ch08 (and the docstrings of minidiff/minidiff/samplers.py).
"""

from __future__ import annotations

import math

import numpy as np
import matplotlib.pyplot as plt

from common import BLUE, FG, GREEN, ORANGE, PURPLE, RED, TEAL, plot_frames_json, svg_bytes

BETA_MIN, BETA_MAX = 0.1, 20.0
T_MAX, T_MIN = 1.0, 1e-3
MEANS = 2.0 * np.stack([np.cos(np.arange(8) * np.pi / 4), np.sin(np.arange(8) * np.pi / 4)], axis=1)
STD = 0.1


def log_alpha(t):
    return -0.5 * (BETA_MIN * t + 0.5 * (BETA_MAX - BETA_MIN) * t * t)


def alpha(t):
    return np.exp(log_alpha(t))


def sigma(t):
    return np.sqrt(-np.expm1(2.0 * log_alpha(t)))


def lam(t):
    return 2.0 * (log_alpha(t) - np.log(sigma(t)))


def t_from_lam(lmb):
    c = np.logaddexp(0.0, -lmb)  # softplus(−λ)
    d = BETA_MAX - BETA_MIN
    return 2.0 * c / (BETA_MIN + np.sqrt(BETA_MIN**2 + 2.0 * d * c))


def time_grid(n: int, kind: str, rho: float = 7.0) -> np.ndarray:
    u = np.linspace(0.0, 1.0, n + 1)
    if kind == "uniform":
        ts = T_MAX + u * (T_MIN - T_MAX)
    elif kind == "logsnr":
        ts = t_from_lam(lam(T_MAX) + u * (lam(T_MIN) - lam(T_MAX)))
    else:
        smax, smin = np.exp(-lam(T_MAX) / 2), np.exp(-lam(T_MIN) / 2)
        sb = (smax ** (1 / rho) + u * (smin ** (1 / rho) - smax ** (1 / rho))) ** rho
        ts = t_from_lam(-2.0 * np.log(sb))
    ts[0], ts[-1] = T_MAX, T_MIN
    return ts


def eps(x: np.ndarray, t: float) -> np.ndarray:
    """Exact E[ε | x_t = x] for the equal-weight 8-Gaussian mixture (elementwise numpy only)."""
    a, s = alpha(t), sigma(t)
    v = a * a * STD * STD + s * s
    dx = x[:, None, 0] - a * MEANS[None, :, 0]
    dy = x[:, None, 1] - a * MEANS[None, :, 1]
    logits = -(dx * dx + dy * dy) / (2 * v)
    logits -= logits.max(axis=1, keepdims=True)
    w = np.exp(logits)
    w /= w.sum(axis=1, keepdims=True)
    return s * np.stack([(w * dx).sum(1), (w * dy).sum(1)], axis=1) / v


def ddim(x, ts, eta=0.0, rng=None, keep=False):
    path = [x.copy()]
    for i in range(len(ts) - 1):
        t, s = ts[i], ts[i + 1]
        e = eps(x, t)
        at, as_ = alpha(t) ** 2, alpha(s) ** 2
        x0 = (x - np.sqrt(1 - at) * e) / np.sqrt(at)
        var = eta**2 * (1 - as_) / (1 - at) * (1 - at / as_)
        x = np.sqrt(as_) * x0 + np.sqrt(max(1 - as_ - var, 0.0)) * e
        if eta > 0:
            x = x + np.sqrt(var) * rng.standard_normal(x.shape)
        if keep:
            path.append(x.copy())
    return np.stack(path) if keep else x


def dpm_solver(x, ts, order):
    ell = lambda t: lam(t) / 2  # noqa: E731
    t_of = lambda l: t_from_lam(2.0 * l)  # noqa: E731
    for i in range(len(ts) - 1):
        s, t = ts[i], ts[i + 1]
        h = ell(t) - ell(s)
        es = eps(x, s)
        base = alpha(t) / alpha(s) * x - sigma(t) * math.expm1(h) * es
        if order == 1:
            x = base
        elif order == 2:
            s1 = t_of(ell(s) + 0.5 * h)
            u = alpha(s1) / alpha(s) * x - sigma(s1) * math.expm1(0.5 * h) * es
            x = base - sigma(t) * math.expm1(h) * (eps(u, s1) - es)
        else:
            r1, r2 = 1 / 3, 2 / 3
            s1, s2 = t_of(ell(s) + r1 * h), t_of(ell(s) + r2 * h)
            u1 = alpha(s1) / alpha(s) * x - sigma(s1) * math.expm1(r1 * h) * es
            d1 = eps(u1, s1) - es
            u2 = (alpha(s2) / alpha(s) * x - sigma(s2) * math.expm1(r2 * h) * es
                  - sigma(s2) * (r2 / r1) * (math.expm1(r2 * h) / (r2 * h) - 1) * d1)
            d2 = eps(u2, s2) - es
            x = base - sigma(t) / r2 * (math.expm1(h) / h - 1) * d2
    return x


def dpm_pp_2m(x, ts):
    prev_d, prev_h = None, None
    for i in range(1, len(ts)):
        tp, t = ts[i - 1], ts[i]
        d = (x - sigma(tp) * eps(x, tp)) / alpha(tp)
        h = (lam(t) - lam(tp)) / 2
        dm = d if prev_d is None else (1 + 1 / (2 * prev_h / h)) * d - 1 / (2 * prev_h / h) * prev_d
        x = sigma(t) / sigma(tp) * x - alpha(t) * math.expm1(-h) * dm
        prev_d, prev_h = d, h
    return x


def heun(x, ts):
    xb = x / alpha(ts[0])
    for i in range(len(ts) - 1):
        t, tn = ts[i], ts[i + 1]
        dl = sigma(tn) / alpha(tn) - sigma(t) / alpha(t)
        d = eps(alpha(t) * xb, t)
        xp = xb + dl * d
        xb = xb + dl * (d + eps(alpha(tn) * xp, tn)) / 2
    return alpha(ts[-1]) * xb


def exact_samples(n: int, t: float, rng) -> np.ndarray:
    k = rng.integers(0, 8, n)
    a, s = alpha(t), sigma(t)
    return a * MEANS[k] + math.sqrt(a * a * STD * STD + s * s) * rng.standard_normal((n, 2))


def _square(ax, lim=2.9):
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xticks([-2, 0, 2])
    ax.set_yticks([-2, 0, 2])
    ax.tick_params(labelsize=9.5, length=2)
    ax.grid(False)


# ---------------------------------------------------------------------------------------------------
TRAJ_N, TRAJ_STEPS = 8, 50


def ddim_vs_ddpm() -> dict[str, bytes]:
    rng = np.random.default_rng(8)
    back = exact_samples(600, T_MIN, rng)
    x_T = rng.standard_normal((TRAJ_N, 2))
    ts = time_grid(TRAJ_STEPS, "logsnr")
    det = ddim(x_T, ts, keep=True)
    sto = ddim(x_T, ts, eta=1.0, rng=np.random.default_rng(9), keep=True)
    colors = [BLUE, ORANGE, GREEN, PURPLE, RED, TEAL, "#c9a227", "#5b6ee1"]
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 4.1))
    for ax, path, title in [(axes[0], det, r"DDIM（$\eta=0$）"), (axes[1], sto, r"$\eta=1$（跳步 DDPM）")]:
        ax.plot(back[:, 0], back[:, 1], "o", ms=1.6, mew=0, color=FG, alpha=0.45)
        for j in range(TRAJ_N):
            ax.plot(path[:, j, 0], path[:, j, 1], "-", lw=1.1, color=colors[j], alpha=0.9)
            ax.plot(path[0, j, 0], path[0, j, 1], "o", ms=4.5, mfc="none", mec=colors[j], mew=1.2)
            ax.plot(path[-1, j, 0], path[-1, j, 1], "o", ms=4.0, color=colors[j])
        _square(ax)
        ax.set_title(title, fontsize=12.5)
    axes[1].set_yticklabels([])
    fig.subplots_adjust(wspace=0.06)
    return {"ch08/ddim-vs-ddpm.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------
def time_grids() -> dict[str, bytes]:
    n = 10
    kinds = [("uniform", r"均匀 $t$", BLUE), ("logsnr", r"均匀 $\lambda$", ORANGE), ("edm", r"EDM $\rho=7$", GREEN)]
    fig, axes = plt.subplots(1, 2, figsize=(9.0, 3.3))
    for k, (kind, label, c) in enumerate(kinds):
        ts = time_grid(n, kind)
        y = 2 - k
        axes[0].plot(ts, np.full_like(ts, y), "|", ms=14, mew=1.6, color=c)
        axes[1].plot(lam(ts), np.full_like(ts, y), "|", ms=14, mew=1.6, color=c)
    for ax in axes:
        ax.set_yticks([2, 1, 0])
        ax.set_ylim(-0.6, 2.6)
        ax.grid(False)
        ax.tick_params(labelsize=9.5, length=2)
    axes[0].set_yticklabels([lab for _, lab, _ in kinds], fontsize=11)
    axes[1].set_yticklabels([])
    axes[0].set_xlabel(r"时间 $t$", fontsize=11)
    axes[1].set_xlabel(r"对数信噪比 $\lambda_t$", fontsize=11)
    axes[0].set_xlim(-0.03, 1.03)
    fig.subplots_adjust(wspace=0.06)
    return {"ch08/time-grids.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------
ERR_N = 600
NFES = [6, 12, 24, 48, 96, 192]


def _err(a, b):
    d = a - b
    return float(np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1]).mean())


def error_vs_nfe() -> dict[str, bytes]:
    rng = np.random.default_rng(80)
    x_T = rng.standard_normal((ERR_N, 2))
    ref = dpm_solver(x_T, time_grid(400, "logsnr"), 3)
    methods = [
        ("DDIM", 1, lambda x, ts: ddim(x, ts), BLUE, "o"),
        ("Heun", 2, heun, ORANGE, "s"),
        ("DPM-Solver-2", 2, lambda x, ts: dpm_solver(x, ts, 2), GREEN, "^"),
        ("DPM-Solver-3", 3, lambda x, ts: dpm_solver(x, ts, 3), PURPLE, "D"),
        ("DPM-Solver++(2M)", 1, dpm_pp_2m, RED, "v"),
    ]
    grids = [("logsnr", r"均匀 $\lambda$ 网格"), ("edm", r"EDM $\rho=7$ 网格"), ("uniform", r"均匀 $t$ 网格")]
    fig, axes = plt.subplots(1, 3, figsize=(11.0, 3.9), sharey=True)
    for ax, (kind, title) in zip(axes, grids):
        for name, k, f, c, m in methods:
            errs = [_err(f(x_T, time_grid(nfe // k, kind)), ref) for nfe in NFES]
            ax.loglog(NFES, errs, "-", marker=m, ms=4.5, lw=1.3, color=c, label=name)
        for p, y0, ls in [(1, 0.6, ":"), (2, 0.6, "--")]:
            xs = np.array([12.0, 192.0])
            ax.loglog(xs, y0 * (xs / 12.0) ** (-p), ls, lw=0.9, color=FG)
        ax.set_title(title, fontsize=12)
        ax.set_xlabel("NFE", fontsize=11)
        ax.set_xticks(NFES)
        ax.set_xticklabels([str(v) for v in NFES])
        ax.minorticks_off()
        ax.set_ylim(1e-5, 30)
        ax.tick_params(labelsize=9.5, length=2)
    axes[0].set_ylabel(r"与参考 ODE 解的平均距离", fontsize=11)
    axes[2].text(190, 0.6 * (190 / 12) ** -1 * 1.5, "斜率 −1", fontsize=9, color=FG, ha="right", va="bottom")
    axes[2].text(190, 0.6 * (190 / 12) ** -2 * 0.5, "斜率 −2", fontsize=9, color=FG, ha="right", va="top")
    axes[2].legend(loc="lower left", fontsize=8.5, handlelength=2.0, borderaxespad=0.3)
    fig.subplots_adjust(wspace=0.05)
    return {"ch08/error-vs-nfe.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------
# few-steps (interactive): DDIM (η = 0) and η = 1 from the same 300 initial noises, N steps on the
# log-SNR grid, exact ε; readout = mean distance to the nearest component centre.
FEW_NS = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50]
FEW_N = 300


def _mean_nearest(x):
    dx = x[:, None, 0] - MEANS[None, :, 0]
    dy = x[:, None, 1] - MEANS[None, :, 1]
    return float(np.sqrt(dx * dx + dy * dy).min(axis=1).mean())


def few_steps() -> dict[str, bytes]:
    rng = np.random.default_rng(81)
    x_T = rng.standard_normal((FEW_N, 2))
    ref = exact_samples(FEW_N, T_MIN, np.random.default_rng(83))
    ref_d = _mean_nearest(ref)
    runs = []
    for n in FEW_NS:
        ts = time_grid(n, "logsnr")
        runs.append((ddim(x_T, ts), ddim(x_T, ts, eta=1.0, rng=np.random.default_rng(82))))
    frames = [{"readout": f"{n} 步：到最近分量中心的平均距离 η = 0 为 {_mean_nearest(a):.3f}，"
                          f"η = 1 为 {_mean_nearest(b):.3f}（真实边缘的 {FEW_N} 个样本为 {ref_d:.3f}）",
               "data": [[ref[:, 0], ref[:, 1]], [a[:, 0], a[:, 1]], [ref[:, 0], ref[:, 1]], [b[:, 0], b[:, 1]]]}
              for n, (a, b) in zip(FEW_NS, runs)]
    lim = [-2.9, 2.9]
    doc = plot_frames_json(
        slider={"label": "步数 N", "values": FEW_NS, "initial": FEW_NS.index(10)},
        panels=[{"title": "DDIM（η = 0）", "xlim": lim, "ylim": lim, "equal": True},
                {"title": "η = 1", "xlim": lim, "ylim": lim, "equal": True}],
        series=[{"panel": 0, "kind": "scatter", "color": "gray", "label": "真实边缘"},
                {"panel": 0, "kind": "scatter", "color": "blue", "label": "η = 0"},
                {"panel": 1, "kind": "scatter", "color": "gray", "label": "真实边缘"},
                {"panel": 1, "kind": "scatter", "color": "orange", "label": "η = 1"}],
        frames=frames)
    shown = [2, 5, 10, 50]
    fig, axes = plt.subplots(2, 4, figsize=(9.0, 4.6))
    for j, n in enumerate(shown):
        a, b = runs[FEW_NS.index(n)]
        for i, (x, col) in enumerate([(a, BLUE), (b, ORANGE)]):
            ax = axes[i, j]
            ax.plot(ref[:, 0], ref[:, 1], "o", ms=1.4, mew=0, color=FG, alpha=0.35)
            ax.plot(x[:, 0], x[:, 1], "o", ms=1.8, mew=0, color=col, alpha=0.8)
            _square(ax)
            if i == 0:
                ax.set_title(f"{n} 步", fontsize=11)
            if j > 0:
                ax.set_yticklabels([])
            if i == 0:
                ax.set_xticklabels([])
    axes[0, 0].set_ylabel(r"$\eta=0$", fontsize=11)
    axes[1, 0].set_ylabel(r"$\eta=1$", fontsize=11)
    fig.subplots_adjust(wspace=0.05, hspace=0.12)
    return {"ch08/few-steps.svg": svg_bytes(fig), "ch08/few-steps.json": doc}


FIGURES = [ddim_vs_ddpm, time_grids, error_vs_nfe, few_steps]
