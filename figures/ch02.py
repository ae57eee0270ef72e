"""Chapter 2 figures: the denoising task at several noise levels, the U-Net diagram, attention cost."""

from __future__ import annotations

import numpy as np
import matplotlib.pyplot as plt
from matplotlib import patches

from common import BLUE, FG, GREEN, ORANGE, PURPLE, RED, plot_frames_json, svg_bytes

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


# ---------------------------------------------------------------------------------------------------
# unet-diagram: minidiff.unet.TinyUNet on an 8x8 image, with the tensor shape after every stage.


def _box(ax, x, y, w, h, text, color, fs=10.5):
    ax.add_patch(patches.FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                        fc=color + "33", ec=color, lw=1.4))
    ax.text(x, y, text, ha="center", va="center", fontsize=fs, color=FG)


def _arrow(ax, x0, y0, x1, y1, color=FG, ls="-"):
    ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                arrowprops=dict(arrowstyle="-|>", color=color, lw=1.3, ls=ls, shrinkA=0, shrinkB=0))


def unet_diagram() -> dict[str, bytes]:
    fig, ax = plt.subplots(figsize=(10.5, 5.6))
    ax.set_xlim(0, 10.5)
    ax.set_ylim(0.4, 6.0)
    ax.axis("off")
    w, h = 2.7, 0.66
    L, R, M = 1.75, 8.75, 5.25
    y_top, y_mid, y_bot = 4.55, 3.15, 1.05
    # encoder
    _box(ax, L, 5.65, w, 0.42, "输入 $\\mathbf{x}_t$：1×8×8", FG, 10)
    _box(ax, L, y_top, w, h, "conv_in + ResBlock\n16×8×8", BLUE)
    _arrow(ax, L, 5.44, L, y_top + h / 2)
    _box(ax, L, y_mid, w, h, "下采样（步长 2）\n+ ResBlock：32×4×4", BLUE)
    _arrow(ax, L, y_top - h / 2, L, y_mid + h / 2)
    # bottleneck
    _box(ax, M, y_bot, 4.0, 0.9, "ResBlock → 自注意力（4 头）→ ResBlock\n32×4×4（16 个位置两两交互）", PURPLE)
    _arrow(ax, L, y_mid - h / 2, M - 2.0, y_bot)
    # decoder
    _box(ax, R, y_mid, w, h, "拼接 64×4×4\n→ ResBlock：32×4×4", ORANGE)
    _arrow(ax, M + 2.0, y_bot, R, y_mid - h / 2)
    _box(ax, R, y_top, w, h, "上采样 32×8×8，拼接 48×8×8\n→ ResBlock：16×8×8", ORANGE, 10)
    _arrow(ax, R, y_mid + h / 2, R, y_top - h / 2)
    _box(ax, R, 5.65, w, 0.42, "输出（ε 预测）：1×8×8", FG, 10)
    _arrow(ax, R, y_top + h / 2, R, 5.44)
    # skips
    _arrow(ax, L + w / 2, y_top, R - w / 2 - 0.1, y_top, GREEN, "--")
    ax.text(M, y_top + 0.14, "跳跃连接 $h_0$：16×8×8（高分辨率细节）", ha="center", fontsize=10, color=GREEN)
    _arrow(ax, L + w / 2, y_mid, R - w / 2, y_mid, GREEN, "--")
    ax.text(M, y_mid + 0.14, "跳跃连接 $h_1$：32×4×4", ha="center", fontsize=10, color=GREEN)
    # time embedding
    _box(ax, M, 2.25, 3.6, 0.5, "时间 $t$ → 正弦嵌入 → MLP → emb（64 维）", RED, 10)
    ax.text(M, 1.8, "emb 进入每个 ResBlock（缩放与平移）", ha="center", fontsize=9.5, color=RED)
    ax.text(0.15, 4.0, "编码器", rotation=90, ha="center", va="center", fontsize=11, color=BLUE)
    ax.text(10.35, 4.0, "解码器", rotation=90, ha="center", va="center", fontsize=11, color=ORANGE)
    return {"ch02/unet-diagram.svg": svg_bytes(fig)}


# ---------------------------------------------------------------------------------------------------
# embedding-similarity (interactive): cosine similarity between the embedding of c0 = ln(0.5)/4 and of
# c = ln(sigma)/4 over EDM's range sigma in [0.002, 80], for random Fourier features (eq-fourier-features,
# h = 64 fixed standard-normal draws scaled by the slider's scale) against the Gaussian kernel they
# approximate and DDPM's sinusoidal embedding (64 pairs, omega_k = 10000^(-k/63)) fed the same c.
EMB_SCALES = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0]
EMB_H = 64


def embedding_similarity() -> dict[str, bytes]:
    cs = np.linspace(0.25 * np.log(0.002), 0.25 * np.log(80.0), 401)
    c0 = 0.25 * np.log(0.5)
    d = cs - c0
    z = np.random.default_rng(23).standard_normal(EMB_H)
    omega = 10000.0 ** (-np.arange(64) / 63.0)
    sinus = np.cos(omega[None, :] * d[:, None]).mean(axis=1)
    frames, curves = [], {}
    for sc in EMB_SCALES:
        w = sc * z
        rff = np.cos(2 * np.pi * w[None, :] * d[:, None]).mean(axis=1)
        kern = np.exp(-2 * np.pi ** 2 * sc * sc * d * d)
        curves[sc] = rff
        half = np.sqrt(np.log(2) / 2) / (np.pi * sc)
        frames.append({
            "readout": f"ς = {sc:g}：核的相似度降到 0.5 的半宽 Δ = {half:.3g}（以 ¼ ln σ 计），"
                       f"即 σ 相差约 {np.exp(4 * half):.3g} 倍；正弦嵌入在整个范围上的最小相似度 {sinus.min():.3f}",
            "data": [rff, kern, sinus],
        })
    doc = plot_frames_json(
        slider={"label": "频率尺度 ς", "values": EMB_SCALES, "initial": EMB_SCALES.index(16.0)},
        panels=[{"title": "与 σ = 0.5 的嵌入的余弦相似度", "xlim": [float(cs[0]), float(cs[-1])], "ylim": [-0.35, 1.05],
                 "xlabel": "¼ ln σ", "ylabel": "余弦相似度"}],
        series=[{"panel": 0, "kind": "line", "color": "blue", "label": "随机傅里叶特征（h = 64）", "x": cs},
                {"panel": 0, "kind": "line", "color": "orange", "label": "高斯核（h → ∞）", "x": cs},
                {"panel": 0, "kind": "line", "color": "gray", "label": "DDPM 正弦嵌入", "x": cs}],
        frames=frames)
    fig, ax = plt.subplots(figsize=(7.0, 3.2))
    ax.plot(cs, sinus, color=FG, lw=1.6, label="DDPM 正弦嵌入")
    for sc, col in zip([1.0, 4.0, 16.0], [GREEN, PURPLE, BLUE]):
        ax.plot(cs, curves[sc], color=col, lw=1.4, label=rf"随机傅里叶特征 $\varsigma={sc:g}$")
    ax.set_xlim(cs[0], cs[-1])
    ax.set_ylim(-0.35, 1.05)
    ax.set_xlabel(r"$\frac{1}{4}\ln\sigma$")
    ax.set_ylabel("余弦相似度")
    ax.legend(loc="lower left", fontsize=8)
    return {"ch02/embedding-similarity.svg": svg_bytes(fig), "ch02/embedding-similarity.json": doc}


FIGURES = [denoise_levels, unet_diagram, attention_cost, embedding_similarity]
