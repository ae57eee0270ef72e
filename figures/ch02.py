"""Chapter 2 figures: the denoising task at several noise levels, the U-Net diagram, attention cost."""

from __future__ import annotations

import numpy as np
import matplotlib.pyplot as plt
from matplotlib import patches

from common import BLUE, FG, GREEN, ORANGE, PURPLE, RED, svg_bytes

# ---------------------------------------------------------------------------------------------------
# denoise-levels: a Gaussian random field with power spectrum S(f) = A / |f|^2 (a caricature of natural
# images), noised as x = x0 + sigma * eps, and its exact posterior mean E[x0 | x] (the Wiener filter,
# diagonal in the Fourier basis because the field is stationary and periodic).

FIELD_N = 48
FIELD_A = 1.0
SIGMAS = [0.02, 0.1, 0.5, 2.5]


def field_spectrum(n: int) -> np.ndarray:
    f = np.fft.fftfreq(n) * n  # integer frequencies (cycles per image)
    fx, fy = np.meshgrid(f, f, indexing="ij")
    r2 = fx**2 + fy**2
    r2[0, 0] = 1.0  # the mean: give it the variance of the lowest frequency
    # S(f) = A / |f|^2 in units where a pixel has variance sum(S) / n^2
    return FIELD_A / r2


def denoise_levels() -> dict[str, bytes]:
    n = FIELD_N
    rng = np.random.default_rng(20260207)
    S = field_spectrum(n)
    # x0 = IFFT(sqrt(S * n^2) * white), real part of a Hermitian draw: filter real white noise.
    white = rng.standard_normal((n, n))
    x0 = np.real(np.fft.ifft2(np.fft.fft2(white) * np.sqrt(S)))
    scale = x0.std()
    x0 = x0 / scale  # unit pixel variance; the spectrum scales by 1/scale^2
    Sx = S / scale**2
    eps = rng.standard_normal((n, n))
    fig = plt.figure(figsize=(10.5, 4.9))
    grid = fig.add_gridspec(2, 6, width_ratios=[1, 1, 1, 1, 0.55, 2.0], wspace=0.08, hspace=0.12)
    lim = 2.6
    for j, s in enumerate(SIGMAS):
        x = x0 + s * eps
        # white noise of per-pixel variance s^2 has spectrum s^2 in the same units as Sx (per mode, /n^2)
        gain = Sx / (Sx + s**2)
        xhat = np.real(np.fft.ifft2(np.fft.fft2(x) * gain))
        for i, img in enumerate((x, xhat)):
            ax = fig.add_subplot(grid[i, j])
            ax.imshow(img, cmap="gray", vmin=-lim, vmax=lim, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if i == 0:
                ax.set_title(rf"$\sigma = {s:g}$", fontsize=12)
            if j == 0:
                ax.set_ylabel("带噪输入 $\\mathbf{x}$" if i == 0 else "最优去噪 $\\mathrm{E}[\\mathbf{x}_0\\mid\\mathbf{x}]$",
                              fontsize=11)
    ax = fig.add_subplot(grid[:, 5])
    f = np.geomspace(1, n / 2 * np.sqrt(2), 200)
    Sr = FIELD_A / f**2 / scale**2
    for s, color in zip(SIGMAS, [BLUE, GREEN, ORANGE, RED]):
        ax.plot(f, Sr / (Sr + s**2), color=color, lw=2, label=rf"$\sigma = {s:g}$")
        fc = np.sqrt(FIELD_A) / scale / s
        if fc < f[-1]:
            ax.plot([fc], [0.5], "o", color=color, ms=5)
    ax.set_xscale("log")
    ax.set_xlabel("空间频率 $|f|$（每幅图的周期数）", fontsize=11)
    ax.set_ylabel("保留比例 $S/(S+\\sigma^2)$", fontsize=11)
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=9.5, loc="lower left")
    ax.set_title("维纳滤波的增益（圆点：截止频率）", fontsize=11)
    return {"ch02/denoise-levels.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------
# attention-cost: FLOPs of one transformer block on an H x H image cut into p x p patches,
# N = (H/p)^2 tokens of width D: the linear layers cost 24 N D^2, the attention matrix 4 N^2 D
# (multiply-add = 2 FLOPs; MLP ratio 4).

ATT_D = 768


def attention_cost() -> dict[str, bytes]:
    H = np.array([16, 32, 64, 128, 256, 512])
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 3.6))
    ax = axes[0]
    for p, color in zip([1, 2, 4, 8], [RED, ORANGE, GREEN, BLUE]):
        N = (H / p) ** 2
        lin = 24 * N * ATT_D**2
        att = 4 * N**2 * ATT_D
        ax.plot(H, (lin + att) / 1e9, "o-", color=color, lw=2, ms=4, label=f"$p = {p}$")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xticks(H)
    ax.set_xticklabels([str(h) for h in H])
    ax.set_xlabel("图像边长 $H$（像素）", fontsize=11)
    ax.set_ylabel("每个 Transformer 块的 GFLOPs", fontsize=11)
    ax.legend(fontsize=9.5, title="图块大小", title_fontsize=9.5)
    ax.set_title(f"总计算量（宽度 $D = {ATT_D}$）", fontsize=11)
    ax = axes[1]
    N = np.geomspace(16, 65536, 200)
    frac = 4 * N**2 * ATT_D / (24 * N * ATT_D**2 + 4 * N**2 * ATT_D)
    ax.plot(N, frac, color=PURPLE, lw=2)
    ax.axvline(6 * ATT_D, color=FG, lw=1, ls="--")
    ax.text(6 * ATT_D * 1.15, 0.08, "$N = 6D$", fontsize=10, color=FG)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("词元数 $N = (H/p)^2$", fontsize=11)
    ax.set_ylabel("注意力矩阵所占比例", fontsize=11)
    ax.set_ylim(0, 1)
    ax.set_title("$4N^2D\\,/\\,(24ND^2 + 4N^2D)$", fontsize=11)
    fig.subplots_adjust(wspace=0.3)
    return {"ch02/attention-cost.svg": svg_bytes(fig)}


FIGURES = [denoise_levels, attention_cost]
