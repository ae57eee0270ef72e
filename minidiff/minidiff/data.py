"""玩具数据集（第 1 章起使用）。

二维点云 ``two_moons``、``swiss_roll``、``eight_gaussians`` 和 8×8 的程序生成「数字」图像
``digits_8x8`` 已经实现好；一维高斯混合的采样器 ``sample_mixture_1d`` 是练习。

所有函数都接受可选的 ``generator``（一个 ``torch.Generator``），给定同一个种子就得到同样的
数据；不给时使用 PyTorch 的全局随机状态。返回的张量都是 float32、在 CPU 上。
二维数据大致居中、每个坐标的尺度为 1 左右，与标准高斯噪声 N(0, I) 可比。
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor

__all__ = ["two_moons", "swiss_roll", "eight_gaussians", "digits_8x8", "sample_mixture_1d"]


def _rand(n: int, generator: torch.Generator | None, *shape: int) -> Tensor:
    return torch.rand(n, *shape, generator=generator, dtype=torch.float64)


def _randn(n: int, generator: torch.Generator | None, *shape: int) -> Tensor:
    return torch.randn(n, *shape, generator=generator, dtype=torch.float64)


def two_moons(
    n: int, noise: float = 0.06, generator: torch.Generator | None = None, return_labels: bool = False
) -> Tensor | tuple[Tensor, Tensor]:
    """两个交错的半圆（「两月牙」），居中后放大 1.4 倍，再加各向同性高斯噪声。

    参数：
        n: 点数；前 n // 2 个点属于上面的月牙（标签 0），其余属于下面的月牙（标签 1）。
        noise: 加在每个坐标上的高斯噪声的标准差。
        generator: 随机数发生器。
        return_labels: 为 True 时同时返回标签。

    返回：
        形状 (n, 2) 的点；``return_labels`` 时为 ``(points, labels)``,labels 形状 (n,)、int64。
        数据没有标准化：均值约为 0，两个坐标的标准差约为 1.21 与 0.69（``noise=0.06`` 时）。
        书中的实验先用 ``torch.mean``、``torch.std`` 把每个坐标标准化到单位方差。
    """
    n0 = n // 2
    n1 = n - n0
    th0 = math.pi * _rand(n0, generator)
    th1 = math.pi * _rand(n1, generator)
    outer = torch.stack([torch.cos(th0), torch.sin(th0)], dim=1)
    inner = torch.stack([1.0 - torch.cos(th1), 0.5 - torch.sin(th1)], dim=1)
    x = torch.cat([outer, inner]) - torch.tensor([0.5, 0.25], dtype=torch.float64)
    x = 1.4 * x + noise * _randn(n, generator, 2)
    if not return_labels:
        return x.float()
    labels = torch.cat([torch.zeros(n0, dtype=torch.int64), torch.ones(n1, dtype=torch.int64)])
    return x.float(), labels


def swiss_roll(n: int, noise: float = 0.05, generator: torch.Generator | None = None) -> Tensor:
    """二维瑞士卷：θ 在 [1.5π, 4.5π] 上均匀，点 (θ cos θ, θ sin θ) / 5，再加高斯噪声。

    参数：
        n: 点数。
        noise: 加在每个坐标上的高斯噪声的标准差（在缩放之后）。
        generator: 随机数发生器。

    返回：
        形状 (n, 2) 的点。
    """
    theta = 1.5 * math.pi * (1.0 + 2.0 * _rand(n, generator))
    x = torch.stack([theta * torch.cos(theta), theta * torch.sin(theta)], dim=1) / 5.0
    x = x + noise * _randn(n, generator, 2)
    return x.float()


def eight_gaussians(
    n: int,
    radius: float = 2.0,
    std: float = 0.1,
    generator: torch.Generator | None = None,
    return_labels: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """八个等权的高斯分量，中心均匀排在半径为 ``radius`` 的圆上（角度 kπ/4,k = 0, …, 7）。

    参数：
        n: 点数。
        radius: 中心所在圆的半径。
        std: 每个分量的标准差（各向同性）。
        generator: 随机数发生器。
        return_labels: 为 True 时同时返回每个点所属的分量 k。

    返回：
        形状 (n, 2) 的点；``return_labels`` 时为 ``(points, labels)``,labels 形状 (n,)、int64。
    """
    k = torch.randint(0, 8, (n,), generator=generator)
    angle = k.to(torch.float64) * (math.pi / 4)
    centers = radius * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
    x = centers + std * _randn(n, generator, 2)
    return (x.float(), k) if return_labels else x.float()


# --- 8×8 digits -------------------------------------------------------------------------------------
# Each digit is a few strokes (polylines) in the unit square, x to the right and y downwards. A sample
# takes its digit's strokes through a random affine map, draws them with a soft pen of random width on
# the 8×8 pixel centres and quantises the ink to 17 levels (0…16, like the UCI/scikit-learn digits).


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, k: int = 14) -> list[tuple[float, float]]:
    return [
        (cx + rx * math.cos(math.radians(a0 + (a1 - a0) * i / k)), cy + ry * math.sin(math.radians(a0 + (a1 - a0) * i / k)))
        for i in range(k + 1)
    ]


def _digit_strokes() -> list[list[list[tuple[float, float]]]]:
    return [
        [_arc(0.5, 0.5, 0.24, 0.37, 0, 360, 20)],
        [[(0.34, 0.26), (0.53, 0.1), (0.53, 0.9)]],
        [_arc(0.5, 0.33, 0.24, 0.21, 195, 395) + [(0.24, 0.9), (0.78, 0.9)]],
        [_arc(0.49, 0.3, 0.22, 0.19, 200, 450), _arc(0.49, 0.7, 0.25, 0.2, 270, 520)],
        [[(0.64, 0.9), (0.64, 0.1), (0.22, 0.64), (0.8, 0.64)]],
        [[(0.75, 0.1), (0.31, 0.1), (0.29, 0.47)] + _arc(0.49, 0.66, 0.25, 0.23, 220, 500)],
        [[(0.7, 0.12), (0.46, 0.24), (0.31, 0.48), (0.28, 0.7)], _arc(0.5, 0.69, 0.22, 0.2, 0, 360, 16)],
        [[(0.22, 0.1), (0.78, 0.1), (0.42, 0.9)]],
        [_arc(0.5, 0.3, 0.2, 0.19, 0, 360, 16), _arc(0.5, 0.71, 0.24, 0.2, 0, 360, 16)],
        [_arc(0.5, 0.31, 0.22, 0.2, 0, 360, 16), [(0.72, 0.31), (0.69, 0.6), (0.46, 0.9)]],
    ]


def _digit_segments() -> Tensor:
    """(10, S, 2, 2): each digit's strokes as S segments (start, end), padded by repeating the last."""
    per_digit = []
    for strokes in _digit_strokes():
        segs = [(p, q) for stroke in strokes for p, q in zip(stroke[:-1], stroke[1:])]
        per_digit.append(segs)
    s_max = max(len(s) for s in per_digit)
    out = torch.zeros(10, s_max, 2, 2, dtype=torch.float64)
    for d, segs in enumerate(per_digit):
        padded = segs + [segs[-1]] * (s_max - len(segs))
        out[d] = torch.tensor(padded, dtype=torch.float64)
    return out


def digits_8x8(
    n: int, generator: torch.Generator | None = None, return_labels: bool = False
) -> Tensor | tuple[Tensor, Tensor]:
    """程序生成的 8×8 灰度「数字」图像（0–9 各约十分之一），用作最小的图像数据集。

    每个样本取一个数字的笔画模板，做随机的旋转(±12°)、缩放、错切和平移，用随机粗细的柔和
    笔触画在 8×8 的像素中心上，再把墨迹量化为 17 个灰度级 0…16（与 UCI 手写数字数据集相同），
    最后线性映射到 [−1, 1]：像素值 = 灰度级 / 8 − 1。

    参数：
        n: 图像张数。
        generator: 随机数发生器。
        return_labels: 为 True 时同时返回数字标签。

    返回：
        形状 (n, 1, 8, 8) 的图像，取值在 {−1, −1 + 1/8, …, 1} 中（17 个离散值，在第 3 章的离散
        解码器里取 ``num_bins=17``）；``return_labels`` 时为 ``(images, labels)``,labels 形状 (n,)、int64。
    """
    segments = _digit_segments()
    labels = torch.randint(0, 10, (n,), generator=generator)
    angle = math.radians(12.0) * (2.0 * _rand(n, generator) - 1.0)
    scale = 0.88 + 0.22 * _rand(n, generator, 2)
    shear = 0.15 * (2.0 * _rand(n, generator) - 1.0)
    shift = 0.06 * (2.0 * _rand(n, generator, 2) - 1.0)
    width = 0.065 + 0.03 * _rand(n, generator)
    contrast = 0.85 + 0.15 * _rand(n, generator)
    cos, sin = torch.cos(angle), torch.sin(angle)
    rot = torch.stack([torch.stack([cos, -sin], -1), torch.stack([sin, cos], -1)], -2)
    shr = torch.eye(2, dtype=torch.float64).repeat(n, 1, 1)
    shr[:, 0, 1] = shear
    A = rot @ shr @ torch.diag_embed(scale)  # (n, 2, 2)

    centre = torch.tensor([0.5, 0.5], dtype=torch.float64)
    pix = (torch.arange(8, dtype=torch.float64) + 0.5) / 8.0
    py, px = torch.meshgrid(pix, pix, indexing="ij")
    P = torch.stack([px.reshape(-1), py.reshape(-1)], dim=1)  # (64, 2), x right, y down

    images = torch.empty(n, 64, dtype=torch.float64)
    for lo in range(0, n, 1024):
        hi = min(n, lo + 1024)
        seg = segments[labels[lo:hi]] - centre  # (b, S, 2, 2)
        seg = torch.einsum("bij,bskj->bski", A[lo:hi], seg) + centre + shift[lo:hi, None, None, :]
        a, b = seg[:, None, :, 0, :], seg[:, None, :, 1, :]  # (b, 1, S, 2)
        p = P[None, :, None, :]  # (1, 64, 1, 2)
        ab = b - a
        u = ((p - a) * ab).sum(-1) / (ab * ab).sum(-1).clamp_min(1e-12)
        closest = a + u.clamp(0.0, 1.0)[..., None] * ab
        d2 = ((p - closest) ** 2).sum(-1).amin(-1)  # (b, 64)
        w = width[lo:hi, None]
        images[lo:hi] = contrast[lo:hi, None] * torch.exp(-d2 / (2.0 * w * w))
    levels = torch.round(16.0 * images).clamp(0, 16)
    out = (levels / 8.0 - 1.0).reshape(n, 1, 8, 8).float()
    return (out, labels) if return_labels else out


# ANCHOR: sample_mixture_1d
def sample_mixture_1d(
    n: int,
    weights: Sequence[float] | Tensor,
    means: Sequence[float] | Tensor,
    stds: Sequence[float] | Tensor,
    generator: torch.Generator | None = None,
) -> Tensor:
    """从一维高斯混合 p(x) = Σ_k π_k N(x; μ_k, s_k²) 中抽取 n 个独立样本。

    做法（祖先采样）：先按概率 π_k 为每个样本选一个分量 k，再从 N(μ_k, s_k²) 中抽样，即
    x = μ_k + s_k · z,z ~ N(0, 1)。

    参数：
        n: 样本数。
        weights: 形状 (K,) 的混合权重 π_k，非负且和为 1。
        means: 形状 (K,) 的均值 μ_k。
        stds: 形状 (K,) 的标准差 s_k(> 0；注意是标准差，不是方差)。
        generator: 随机数发生器；所有随机数都要从它取，这样同一个种子给出同样的样本。

    返回：
        形状 (n, 1) 的 float32 张量：第 0 维是批，第 1 维是数据维(d = 1)，与二维玩具数据的
        (n, 2) 一样遵守「第 0 维是批、其余是数据维」的约定。

    可用的 PyTorch 函数：``torch.as_tensor``（把列表变成张量）、``torch.multinomial``
    （按权重抽分量下标，注意 ``replacement=True``）、``torch.randn``（标准正态，传入
    ``generator=``）、按下标取值 ``means[k]``、``torch.Tensor.unsqueeze``（变成 (n, 1)）。
    """
    raise NotImplementedError("练习 mixture-sampler")
# ANCHOR_END: sample_mixture_1d
