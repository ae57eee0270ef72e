"""Chapter 5 figures: forward SDE paths, reverse SDE vs probability-flow ODE, sampler error vs steps.

Everything is computed here with elementwise numpy (no BLAS), fixed seeds, and the analytic score of
Gaussian-mixture data, so no network is trained.
"""

from __future__ import annotations

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.colors import to_rgb

from common import BLUE, FG, GREEN, ORANGE, PURPLE, RED, plot_frames_json, svg_bytes

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


# ---------------------------------------------------------------------------------------------------
# the 2-D three-component mixture used in 5.3 and 5.5, with its exact score under the VP SDE

MEANS2 = np.array([[-1.0, -0.5], [1.0, -0.5], [0.0, 1.0]])
STD2 = 0.2
W2 = np.array([0.5, 0.3, 0.2])


def _mix2_score(x, a, s):
    """Exact score of the mixture after x_t = a x0 + s eps (a, s scalars); elementwise numpy only."""
    var = a * a * STD2 * STD2 + s * s
    logits = []
    for k in range(3):
        d0 = x[:, 0] - a * MEANS2[k, 0]
        d1 = x[:, 1] - a * MEANS2[k, 1]
        logits.append(np.log(W2[k]) - 0.5 * (d0 * d0 + d1 * d1) / var)
    lg = np.stack(logits, axis=1)
    lg = lg - lg.max(axis=1, keepdims=True)
    r = np.exp(lg)
    r = r / r.sum(axis=1, keepdims=True)
    out = np.zeros_like(x)
    for k in range(3):
        out[:, 0] += r[:, k] * (a * MEANS2[k, 0] - x[:, 0]) / var
        out[:, 1] += r[:, k] * (a * MEANS2[k, 1] - x[:, 1]) / var
    return out


def _vp_score(x, t):
    a, s = _vp(t)
    return _mix2_score(x, a, s)


def _mix2_density(xx, yy):
    out = np.zeros_like(xx)
    for k in range(3):
        d = (xx - MEANS2[k, 0]) ** 2 + (yy - MEANS2[k, 1]) ** 2
        out += W2[k] * np.exp(-d / (2 * STD2**2)) / (2 * np.pi * STD2**2)
    return out


def _mix2_sample(n, rng):
    k = rng.choice(3, size=n, p=W2)
    return MEANS2[k] + STD2 * rng.standard_normal((n, 2))


T_EPS = 1e-3


def _grid(n):
    return np.linspace(1.0, T_EPS, n + 1)


def _reverse_em(x, n, rng, path=False):
    ts = _grid(n)
    out = [x]
    for i in range(n):
        t, h = ts[i], ts[i] - ts[i + 1]
        b = _beta(t)
        x = x + (0.5 * b * x + b * _vp_score(x, t)) * h + np.sqrt(b * h) * rng.standard_normal(x.shape)
        if path:
            out.append(x)
    return np.stack(out) if path else x


def _pc(x, n, rng, snr=0.16):
    ts = _grid(n)
    for i in range(n):
        t, h = ts[i], ts[i] - ts[i + 1]
        sc = _vp_score(x, t)
        z = rng.standard_normal(x.shape)
        gn = np.sqrt(sc[:, 0] ** 2 + sc[:, 1] ** 2).mean()
        zn = np.sqrt(z[:, 0] ** 2 + z[:, 1] ** 2).mean()
        eps = 2 * (snr * zn / gn) ** 2
        x = x + eps * sc + np.sqrt(2 * eps) * z
        b = _beta(t)
        x = x + (0.5 * b * x + b * _vp_score(x, t)) * h + np.sqrt(b * h) * rng.standard_normal(x.shape)
    return x


def _ode_v(x, t):
    b = _beta(t)
    return -0.5 * b * x - 0.5 * b * _vp_score(x, t)


def _pf_ode(x, n, heun, path=False):
    ts = _grid(n)
    out = [x]
    for i in range(n):
        t, tn = ts[i], ts[i + 1]
        dt = tn - t
        v = _ode_v(x, t)
        if heun:
            xp = x + v * dt
            x = x + 0.5 * (v + _ode_v(xp, tn)) * dt
        else:
            x = x + v * dt
        if path:
            out.append(x)
    return np.stack(out) if path else x


def _edm_sigmas(n, smin=0.002, smax=80.0, rho=7.0):
    i = np.arange(n)
    s = (smax ** (1 / rho) + i / (n - 1) * (smin ** (1 / rho) - smax ** (1 / rho))) ** rho
    return np.concatenate([s, [0.0]])


def _edm_heun(x, n):
    sig = _edm_sigmas(n)
    for i in range(n):
        s0, s1 = sig[i], sig[i + 1]
        d = -s0 * _mix2_score(x, 1.0, s0)
        xn = x + (s1 - s0) * d
        if s1 > 0:
            d2 = -s1 * _mix2_score(xn, 1.0, s1)
            xn = x + (s1 - s0) * 0.5 * (d + d2)
        x = xn
    return x


_ANG = np.pi * (np.arange(64) + 0.5) / 64


def _sw2(x, y):
    tot = 0.0
    for a in _ANG:
        c, s = np.cos(a), np.sin(a)
        px = np.sort(x[:, 0] * c + x[:, 1] * s)
        py = np.sort(y[:, 0] * c + y[:, 1] * s)
        tot += ((px - py) ** 2).mean()
    return float(np.sqrt(tot / len(_ANG)))


# ---------------------------------------------------------------------------------------------------
# reverse-sde-vs-ode: trajectories from the same starting points


def reverse_sde_vs_ode() -> dict[str, bytes]:
    rng = np.random.default_rng(11)
    x1 = rng.standard_normal((8, 2))
    sde_paths = _reverse_em(x1.copy(), 500, rng, path=True)
    ode_paths = _pf_ode(x1.copy(), 500, heun=True, path=True)
    cloud_rng = np.random.default_rng(12)
    cloud_sde = _reverse_em(cloud_rng.standard_normal((1500, 2)), 500, cloud_rng)
    cloud_ode = _pf_ode(np.random.default_rng(12).standard_normal((1500, 2)), 500, heun=True)
    g = np.linspace(-2.6, 2.6, 161)
    xx, yy = np.meshgrid(g, g)
    dens = _mix2_density(xx, yy)
    fig, axes = plt.subplots(1, 2, figsize=(9.2, 4.3), sharey=True)
    for ax, paths, cloud, title, col in [
        (axes[0], sde_paths, cloud_sde, r"反向 SDE（欧拉–丸山，500 步）", ORANGE),
        (axes[1], ode_paths, cloud_ode, r"概率流 ODE（Heun，500 步）", PURPLE),
    ]:
        ax.contour(xx, yy, dens, levels=[0.05, 0.5, 2.0], colors=[FG], linewidths=0.7, alpha=0.7)
        ax.scatter(cloud[:, 0], cloud[:, 1], s=1.5, color=BLUE, alpha=0.35, lw=0)
        for j in range(paths.shape[1]):
            ax.plot(paths[::5, j, 0], paths[::5, j, 1], color=col, lw=0.6, alpha=0.8)
            ax.plot(paths[0, j, 0], paths[0, j, 1], "o", color=col, ms=3)
            ax.plot(paths[-1, j, 0], paths[-1, j, 1], "x", color=RED, ms=4, mew=1.2)
        ax.set_xlim(-2.6, 2.6)
        ax.set_ylim(-2.6, 2.6)
        ax.set_aspect("equal")
        ax.set_title(title)
        ax.set_xlabel(r"$x_1$")
    axes[0].set_ylabel(r"$x_2$")
    fig.subplots_adjust(wspace=0.08)
    return {"ch05/reverse-sde-vs-ode.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------
# sampler-error: SW2 vs number of score evaluations, and the pathwise ODE error

N_SAMPLES = 5000


def sampler_error_data() -> dict:
    ref = _mix2_sample(N_SAMPLES, np.random.default_rng(999))
    floor = [_sw2(_mix2_sample(N_SAMPLES, np.random.default_rng(100 + s)), ref) for s in range(3)]
    res = {"floor": floor}
    plans = {
        "em": ([10, 20, 50, 100, 200], lambda x, n, r: _reverse_em(x, n, r), 1),
        "pc": ([10, 20, 50, 100], lambda x, n, r: _pc(x, n, r), 2),
        "euler": ([10, 20, 50, 100, 200], lambda x, n, r: _pf_ode(x, n, False), 1),
        "heun": ([5, 10, 20, 50, 100], lambda x, n, r: _pf_ode(x, n, True), 2),
        "edm": ([5, 10, 18, 25, 50], lambda x, n, r: _edm_heun(80.0 * x, n), 2),
    }
    for name, (steps, fn, per) in plans.items():
        rows = []
        for n in steps:
            vals = []
            for seed in range(3):
                r = np.random.default_rng(seed)
                x = r.standard_normal((N_SAMPLES, 2))
                vals.append(_sw2(fn(x, n, r), ref))
            nfe = per * n - (1 if name == "edm" else 0)
            rows.append((nfe, vals))
        res[name] = rows
    x1 = np.random.default_rng(5).standard_normal((2000, 2))
    exact = _pf_ode(x1, 4000, True)
    res["path"] = [
        (n, float(np.sqrt(((_pf_ode(x1, n, False) - exact) ** 2).sum(1)).mean()),
         float(np.sqrt(((_pf_ode(x1, n, True) - exact) ** 2).sum(1)).mean()))
        for n in [10, 20, 50, 100, 200, 500]
    ]
    return res


def sampler_error() -> dict[str, bytes]:
    res = sampler_error_data()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9.6, 3.6))
    style = {
        "em": (ORANGE, "o", "反向 SDE（欧拉–丸山）"),
        "pc": (RED, "s", "PC（1 步校正）"),
        "euler": (BLUE, "^", "概率流 ODE（Euler）"),
        "heun": (PURPLE, "D", "概率流 ODE（Heun）"),
        "edm": (GREEN, "v", r"EDM Heun，$\rho=7$"),
    }
    for name, (col, mk, lab) in style.items():
        nfe = np.array([r[0] for r in res[name]])
        vals = np.array([r[1] for r in res[name]])
        a1.errorbar(nfe, vals.mean(1), yerr=[vals.mean(1) - vals.min(1), vals.max(1) - vals.mean(1)],
                    color=col, marker=mk, ms=4, lw=1.3, capsize=2, label=lab)
    fl = np.array(res["floor"])
    a1.axhspan(fl.min(), fl.max(), color=FG, alpha=0.18, lw=0)
    a1.axhline(fl.mean(), color=FG, ls="--", lw=1.0)
    a1.text(22, fl.max() * 1.06, "两组精确样本之间的距离", color=FG, fontsize=8)
    a1.set_xscale("log")
    a1.set_yscale("log")
    a1.set_xlabel("分数调用次数（NFE）")
    a1.set_ylabel(r"$\mathrm{SW}_2$ 到精确样本")
    a1.set_title(r"样本误差（5000 个样本，3 个种子）")
    a1.legend(fontsize=7.5, loc="upper right")
    n = np.array([p[0] for p in res["path"]])
    a2.loglog(n, [p[1] for p in res["path"]], color=BLUE, marker="^", ms=4, label="Euler")
    a2.loglog(n, [p[2] for p in res["path"]], color=PURPLE, marker="D", ms=4, label="Heun")
    a2.loglog(n, 0.6 / n, color=FG, ls=":", lw=1.0, label=r"$\propto N^{-1}$")
    a2.loglog(n, 5.0 / n**2, color=FG, ls="--", lw=1.0, label=r"$\propto N^{-2}$")
    a2.set_xlabel(r"步数 $N$")
    a2.set_title("概率流 ODE 的逐点误差（同一初值）")
    a2.legend(fontsize=8)
    fig.subplots_adjust(wspace=0.3)
    return {"ch05/sampler-error.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------
# zeta-family (interactive): the reverse processes of eq-zeta-family on the 1-D mixture MIX1, exact
# score, Euler–Maruyama 500 steps from t = 1 to T_EPS; 8 paths and the histogram of 4000 end points.
ZETAS = [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0]
ZETA_STEPS, ZETA_N, ZETA_PATHS = 500, 4000, 8


def _mix1_score(x, t):
    a, s = _vp(t)
    num = np.zeros_like(x)
    den = np.zeros_like(x)
    for w, m, sd in zip(MIX1["weights"], MIX1["means"], MIX1["stds"]):
        var = a * a * sd * sd + s * s
        p = w * np.exp(-((x - a * m) ** 2) / (2 * var)) / np.sqrt(2 * np.pi * var)
        num += p * (-(x - a * m) / var)
        den += p
    return num / den


def _zeta_run(zeta):
    rng = np.random.default_rng(55)
    x = rng.standard_normal(ZETA_N)
    ts = np.linspace(1.0, T_EPS, ZETA_STEPS + 1)
    path = [x[:ZETA_PATHS].copy()]
    for i in range(ZETA_STEPS):
        t, h = ts[i], ts[i] - ts[i + 1]
        b = _beta(t)
        drift = -0.5 * b * x - 0.5 * (1 + zeta * zeta) * b * _mix1_score(x, t)
        x = x - h * drift + zeta * np.sqrt(b * h) * rng.standard_normal(ZETA_N)
        path.append(x[:ZETA_PATHS].copy())
    return ts, np.array(path), x


def zeta_family() -> dict[str, bytes]:
    edges = np.linspace(-4.5, 4.5, 61)
    centres = 0.5 * (edges[:-1] + edges[1:])
    dens = _mix1_density(centres, T_EPS)
    colors = ["blue", "orange", "green", "purple", "red", "teal", "gray", "blue"]
    frames, runs = [], []
    for zeta in ZETAS:
        ts, path, end = _zeta_run(zeta)
        runs.append((ts, path, end))
        hist = np.histogram(end, bins=edges)[0] / (ZETA_N * (edges[1] - edges[0]))
        frames.append({
            "readout": f"ζ = {zeta:g}：{ZETA_N} 个终点的均值 {end.mean():.3f}、标准差 {end.std():.3f}"
                       f"（数据分布为 0.275 与 1.754）",
            "data": [[ts[::5], path[::5, j]] for j in range(ZETA_PATHS)] + [hist, dens],
        })
    doc = plot_frames_json(
        slider={"label": "随机性 ζ", "values": ZETAS, "initial": ZETAS.index(1.0)},
        panels=[{"title": "8 条反向路径", "xlim": [0, 1], "ylim": [-4.5, 4.5], "xlabel": "t", "ylabel": "x"},
                {"title": "终点的直方图", "xlim": [-4.5, 4.5], "ylim": [0, 0.6], "xlabel": "x", "ylabel": "密度"}],
        series=[{"panel": 0, "kind": "line", "color": colors[j], "label": ""} for j in range(ZETA_PATHS)]
               + [{"panel": 1, "kind": "fill", "color": "blue", "label": "终点直方图", "x": centres},
                  {"panel": 1, "kind": "line", "color": "gray", "label": "数据密度", "x": centres}],
        frames=frames)
    fig, axes = plt.subplots(1, 3, figsize=(9.0, 3.0), sharey=True)
    for ax, zeta in zip(axes, [0.0, 1.0, 2.0]):
        ts, path, _ = runs[ZETAS.index(zeta)]
        for j, col in enumerate([BLUE, ORANGE, GREEN, PURPLE, RED, FG, BLUE, ORANGE]):
            ax.plot(ts, path[:, j], color=col, lw=0.9, alpha=0.85)
        ax.set_xlim(0, 1)
        ax.set_ylim(-4.5, 4.5)
        ax.set_title(rf"$\zeta={zeta:g}$", fontsize=11)
        ax.set_xlabel(r"$t$")
    axes[0].set_ylabel(r"$x$")
    fig.subplots_adjust(wspace=0.08)
    return {"ch05/zeta-family.svg": svg_bytes(fig), "ch05/zeta-family.json": doc}


FIGURES = [forward_sde_paths, reverse_sde_vs_ode, sampler_error, zeta_family]
