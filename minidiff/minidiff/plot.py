"""画图小工具（已实现，需要 matplotlib：``pip install matplotlib``）。

它们只负责画，不做任何扩散模型的计算：把你算好的张量交给它们即可。每个函数都接受可选的
``ax``（一个 matplotlib 的 Axes），不给时新建一张图；返回用到的 Axes 或 Figure，方便继续修改或
``savefig``。
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import Tensor

__all__ = ["scatter_2d", "scatter_grid", "plot_curves", "histogram_1d", "image_grid"]


def _np(x: Tensor):
    return x.detach().to("cpu", torch.float64).numpy()


def scatter_2d(
    x: Tensor,
    ax: Axes | None = None,
    title: str | None = None,
    lim: float | None = 3.5,
    s: float = 2.0,
    color: str | None = None,
    alpha: float = 0.6,
) -> Axes:
    """二维点云的散点图。

    参数：
        x: 形状 (N, 2) 的点。
        ax: 画在哪个 Axes 上；None 时新建。
        title: 标题。
        lim: 两个坐标轴都取 [−lim, lim];None 时自动。
        s, color, alpha: 点的大小、颜色、不透明度。
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    p = _np(x)
    ax.scatter(p[:, 0], p[:, 1], s=s, c=color, alpha=alpha, linewidths=0)
    if lim is not None:
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    return ax


def scatter_grid(
    xs: Sequence[Tensor], titles: Sequence[str] | None = None, lim: float | None = 3.5, size: float = 2.4, **kwargs
) -> Figure:
    """一行并排的若干张二维散点图，例如前向过程或采样过程在几个时刻的快照。

    参数：
        xs: 若干个形状 (N, 2) 的点云。
        titles: 每张图的标题。
        lim: 同 ``scatter_2d``。
        size: 每张子图的边长（英寸）。
        **kwargs: 传给 ``scatter_2d``(``s``、``color``、``alpha``)。
    """
    fig, axes = plt.subplots(1, len(xs), figsize=(size * len(xs), size), squeeze=False)
    for i, (ax, x) in enumerate(zip(axes[0], xs)):
        scatter_2d(x, ax=ax, title=titles[i] if titles else None, lim=lim, **kwargs)
    fig.tight_layout()
    return fig


def plot_curves(
    curves: Mapping[str, Tensor],
    x: Tensor | None = None,
    ax: Axes | None = None,
    logy: bool = False,
    xlabel: str | None = None,
    ylabel: str | None = None,
    title: str | None = None,
) -> Axes:
    """若干条曲线画在一起，例如不同调度的 ᾱ_t、对数信噪比，或训练损失。

    参数：
        curves: 图例名 → 一维张量。
        x: 横坐标；None 时取 1, 2, …, len(曲线)（正好是步数 t）。
        ax: 画在哪个 Axes 上；None 时新建。
        logy: 纵轴取对数刻度。
        xlabel, ylabel, title: 坐标轴标签与标题。
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    for name, y in curves.items():
        yy = _np(y)
        xx = _np(x) if x is not None else range(1, len(yy) + 1)
        ax.plot(xx, yy, label=name)
    if logy:
        ax.set_yscale("log")
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(curves) > 1:
        ax.legend()
    return ax


def histogram_1d(
    x: Tensor,
    ax: Axes | None = None,
    bins: int = 100,
    range: tuple[float, float] = (-4.0, 4.0),
    density: Callable[[Tensor], Tensor] | None = None,
    title: str | None = None,
) -> Axes:
    """一维样本的直方图（归一化为密度），可叠加一条已知的密度曲线对照。

    参数：
        x: 形状 (N,) 的样本。
        ax: 画在哪个 Axes 上；None 时新建。
        bins, range: 直方图的格数与范围。
        density: 可选，输入形状 (K,) 的横坐标、返回密度值的函数（例如真实的混合密度）。
        title: 标题。
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2))
    ax.hist(_np(x.reshape(-1)), bins=bins, range=range, density=True, alpha=0.6)
    if density is not None:
        grid = torch.linspace(range[0], range[1], 400, dtype=torch.float64)
        ax.plot(_np(grid), _np(density(grid)))
    if title:
        ax.set_title(title)
    return ax


def image_grid(images: Tensor, nrow: int = 8, ax: Axes | None = None, title: str | None = None) -> Axes:
    """把一批灰度图像排成网格显示，例如 ``digits_8x8`` 的数据或生成的样本。

    参数：
        images: 形状 (N, 1, H, W) 或 (N, H, W) 的图像，取值在 [−1, 1]（超出部分按边界显示）。
        nrow: 每行几张。
        ax: 画在哪个 Axes 上；None 时新建。
        title: 标题。
    """
    imgs = images.detach().to("cpu", torch.float64)
    if imgs.dim() == 4:
        imgs = imgs[:, 0]
    n, h, w = imgs.shape
    ncol = nrow
    nrows = (n + ncol - 1) // ncol
    canvas = torch.full((nrows * (h + 1) + 1, ncol * (w + 1) + 1), -1.0, dtype=torch.float64)
    for i in range(n):
        r, c = divmod(i, ncol)
        canvas[1 + r * (h + 1) : 1 + r * (h + 1) + h, 1 + c * (w + 1) : 1 + c * (w + 1) + w] = imgs[i]
    if ax is None:
        _, ax = plt.subplots(figsize=(0.5 * ncol, 0.5 * nrows + 0.3))
    ax.imshow(canvas.clamp(-1, 1).numpy(), cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax
