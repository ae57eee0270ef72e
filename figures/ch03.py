"""Chapter 3 figures: posterior variance, loss weights, per-step terms of the bound, toy samples."""

from __future__ import annotations

import numpy as np
import matplotlib.pyplot as plt

from common import BLUE, FG, GREEN, ORANGE, PURPLE, svg_bytes, tex_number
import toy


def _posterior_variance(betas: np.ndarray) -> np.ndarray:
    """β̃_t = (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · β_t, with ᾱ_0 = 1 (so β̃_1 = 0)."""
    abar = toy.alpha_bar(betas)
    abar_prev = np.concatenate([[1.0], abar[:-1]])
    return (1.0 - abar_prev) / (1.0 - abar) * betas


# ---------------------------------------------------------------------------------------------------


def beta_tilde() -> dict[str, bytes]:
    betas = toy.linear_betas()
    bt = _posterior_variance(betas)
    t = np.arange(1, toy.T + 1)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.3))
    a1.loglog(t, betas, color=BLUE, label=r"$\beta_t$")
    a1.loglog(t[1:], bt[1:], color=ORANGE, ls="--", label=r"$\tilde\beta_t$")
    a1.set_xlim(1, toy.T)
    a1.set_xlabel(r"步数 $t$（对数刻度）")
    a1.set_title(r"前向方差 $\beta_t$ 与后验方差 $\tilde\beta_t$（线性调度）")
    a1.legend(loc="lower right")
    a2.plot(t[1:], bt[1:] / betas[1:], color=PURPLE)
    a2.set_xscale("log")
    a2.set_xlim(1, toy.T)
    a2.set_ylim(0, 1.05)
    a2.set_xlabel(r"步数 $t$（对数刻度）")
    a2.set_title(r"比值 $\tilde\beta_t\,/\,\beta_t = (1-\bar\alpha_{t-1})\,/\,(1-\bar\alpha_t)$")
    fig.subplots_adjust(wspace=0.28)
    return {"ch03/beta-tilde.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------


def _elbo_weights(betas: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Weight of each parameterisation's plain squared error in the term L_{t−1} (σ_t² = β̃_t), t = 2..T.

    L_{t−1} = ½ (SNR(t−1) − SNR(t)) ‖x0 − x̂0‖², and ‖x0 − x̂0‖² = ‖ε − ε̂‖² / SNR(t) = ‖v − v̂‖² / (1 + SNR(t)).
    """
    abar = toy.alpha_bar(betas)
    snr = abar / (1.0 - abar)
    w_x0 = 0.5 * (snr[:-1] - snr[1:])
    s = snr[1:]
    t = np.arange(2, len(betas) + 1)
    return t, {"eps": w_x0 / s, "x0": w_x0, "v": w_x0 / (1.0 + s)}


def loss_weights() -> dict[str, bytes]:
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), sharey=True)
    labels = {
        "eps": (r"$\epsilon$ 预测：$\frac{1}{2}\,(\mathrm{SNR}(t-1)-\mathrm{SNR}(t))\,/\,\mathrm{SNR}(t)$", BLUE),
        "x0": (r"$x_0$ 预测：$\frac{1}{2}\,(\mathrm{SNR}(t-1)-\mathrm{SNR}(t))$", ORANGE),
        "v": (r"$v$ 预测：$\frac{1}{2}\,(\mathrm{SNR}(t-1)-\mathrm{SNR}(t))\,/\,(1+\mathrm{SNR}(t))$", GREEN),
    }
    for ax, (name, betas) in zip(axes, [("线性调度", toy.linear_betas()), ("余弦调度", toy.cosine_betas())]):
        t, w = _elbo_weights(betas)
        for key, (label, color) in labels.items():
            ax.semilogy(t, w[key], color=color, label=label)
        ax.axhline(1.0, color=FG, lw=1.0, ls=":", label=r"$L_{\mathrm{simple}}$：每个 $t$ 权重相同")
        ax.set_xlim(0, toy.T)
        ax.set_xlabel(r"步数 $t$")
        ax.set_title(name)
    axes[0].set_ylabel(r"ELBO 中 $L_{t-1}$ 的权重")
    axes[0].set_ylim(1e-7, 1e4)
    handles, texts = axes[0].get_legend_handles_labels()
    fig.legend(handles, texts, loc="upper center", ncols=2, bbox_to_anchor=(0.5, 0.0), fontsize=9)
    fig.subplots_adjust(wspace=0.08)
    return {"ch03/loss-weights.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------


def gaussian_vlb_terms(betas: np.ndarray, s2: float) -> dict[str, np.ndarray | float]:
    """Expected terms of the bound for data x0 ~ N(0, s2) when each reverse step is the exact q(x_{t−1}|x_t).

    Joint Gaussian: Var x_t = V_t = ᾱ_t s2 + 1 − ᾱ_t, Cov(x_{t−1}, x_t) = √α_t V_{t−1}.
    L_{t−1} = E KL(q(x_{t−1}|x_t,x0) ‖ q(x_{t−1}|x_t)) = ½ log(Var(x_{t−1}|x_t) / β̃_t)   (t = 2..T)
    L_T = E KL(q(x_T|x0) ‖ N(0,1)) = ½ (ᾱ_T s2 − ᾱ_T − log(1 − ᾱ_T))
    L_0 = E[−log q(x0|x1)] = ½ log(2πe Var(x0|x1))
    """
    abar = toy.alpha_bar(betas)
    alphas = 1.0 - betas
    V = np.concatenate([[s2], abar * s2 + 1.0 - abar])  # V[t] for t = 0..T
    cond = V[:-1] - alphas * V[:-1] ** 2 / V[1:]  # Var(x_{t−1} | x_t), t = 1..T
    bt = _posterior_variance(betas)
    kl = 0.5 * np.log(cond[1:] / bt[1:])
    prior = 0.5 * (abar[-1] * s2 - abar[-1] - np.log1p(-abar[-1]))
    decoder = 0.5 * np.log(2 * np.pi * np.e * cond[0])
    total = kl.sum() + prior + decoder
    entropy = 0.5 * np.log(2 * np.pi * np.e * s2)
    return {"t": np.arange(2, len(betas) + 1), "kl": kl, "prior": prior, "decoder": decoder,
            "total": total, "entropy": entropy}


def vlb_terms() -> dict[str, bytes]:
    betas = toy.linear_betas()
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    for s, color in [(0.1, BLUE), (0.5, ORANGE), (1.0, GREEN)]:
        r = gaussian_vlb_terms(betas, s * s)
        label = (rf"$s = {s}$:$L_0 = {r['decoder']:.3f}$,$L_T = {tex_number(r['prior'])}$,"
                 rf"各项合计 $= {r['total']:.3f} = H(x_0)$")
        ax.semilogy(r["t"], r["kl"], color=color, label=label)
    ax.set_xlim(0, toy.T)
    ax.set_xlabel(r"步数 $t$")
    ax.set_ylabel(r"$L_{t-1}$ (nats)")
    ax.set_title(r"数据 $x_0\sim\mathcal{N}(0, s^2)$，反向一步取精确的 $q(x_{t-1}\mid x_t)$（线性调度）")
    ax.legend(loc="upper right", fontsize=8.5)
    return {"ch03/vlb-terms.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------

TOY_DATA_N = 200
TOY_SMOOTH = 0.08
TOY_SAMPLES = 800
TOY_SNAPSHOTS = [300, 150, 50, 0]


def exact_eps(x: np.ndarray, data: np.ndarray, a2: float, h2: float) -> np.ndarray:
    """E[ε | x_t = x] when x0 is uniform over `data` plus N(0, h2 I) and x_t = √a2 x0 + √(1−a2) ε.

    x_t | i ~ N(√a2 y_i, (a2 h2 + 1 − a2) I), so E[ε | x_t, i] = √(1−a2) (x_t − √a2 y_i) / (a2 h2 + 1 − a2),
    averaged over the posterior weights of i (a softmax of the Gaussian log-densities).
    """
    a = np.sqrt(a2)
    v = a2 * h2 + 1.0 - a2
    # Written with elementwise operations only (no BLAS): the same bits on every CPU.
    dx = x[:, None, 0] - a * data[None, :, 0]
    dy = x[:, None, 1] - a * data[None, :, 1]
    logits = -(dx * dx + dy * dy) / (2 * v)
    logits -= logits.max(axis=1, keepdims=True)
    w = np.exp(logits)
    w /= w.sum(axis=1, keepdims=True)
    mean_y = np.stack([(w * data[None, :, 0]).sum(1), (w * data[None, :, 1]).sum(1)], axis=1)
    return np.sqrt(1.0 - a2) * (x - a * mean_y) / v


def toy_samples() -> dict[str, bytes]:
    rng = np.random.default_rng(3)
    data, _ = toy.two_moons(TOY_DATA_N, rng)
    betas = toy.linear_betas()
    alphas = 1.0 - betas
    abar = toy.alpha_bar(betas)
    x = rng.standard_normal((TOY_SAMPLES, 2))
    keep = {toy.T: x.copy()}
    snapshots = TOY_SNAPSHOTS
    for t in range(toy.T, 0, -1):
        eps = exact_eps(x, data, abar[t - 1], TOY_SMOOTH**2)
        mean = (x - betas[t - 1] / np.sqrt(1.0 - abar[t - 1]) * eps) / np.sqrt(alphas[t - 1])
        x = mean + (np.sqrt(betas[t - 1]) * rng.standard_normal(x.shape) if t > 1 else 0.0)
        if t - 1 in snapshots:
            keep[t - 1] = x.copy()
    fig, axes = plt.subplots(1, 5, figsize=(10.5, 2.6))
    lim = 3.3
    for ax, t in zip(axes, [toy.T, *snapshots]):
        pts = keep[t]
        ax.plot(pts[:, 0], pts[:, 1], "o", ms=1.8, mew=0, color=BLUE, alpha=0.7, label="样本")
        if t == 0:
            ax.plot(data[:, 0], data[:, 1], "o", ms=1.6, mew=0, color=ORANGE, label="训练点")
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_xticks([-2, 0, 2])
        ax.set_yticks([-2, 0, 2])
        ax.tick_params(labelsize=9.5, length=2)
        ax.spines[["top", "right"]].set_visible(True)
        ax.grid(False)
        a = 1.0 if t == 0 else abar[t - 1]
        ax.set_title(f"$t = {'T = ' if t == toy.T else ''}{t}$\n" + rf"$\bar\alpha_t = {tex_number(a)}$", fontsize=12.5)
    for ax in axes[1:]:
        ax.set_yticklabels([])
    axes[-1].legend(loc="lower left", fontsize=9, handletextpad=0.1, borderaxespad=0.1, markerscale=2.5, ncols=2,
                    columnspacing=0.6)
    fig.subplots_adjust(wspace=0.08)
    return {"ch03/toy-samples.svg": svg_bytes(fig)}


FIGURES = [beta_tilde, loss_weights, vlb_terms, toy_samples]
