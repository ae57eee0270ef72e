"""比较两组样本的度量(第 3.6 节):生成的样本与真实数据有多接近。

两者都只用样本本身,不需要密度;在二维玩具数据上很灵敏,计算也快。
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

__all__ = ["sliced_wasserstein", "mmd_rbf"]


# ANCHOR: sliced_wasserstein
def sliced_wasserstein(
    x: Tensor, y: Tensor, num_projections: int = 256, p: int = 2, generator: torch.Generator | None = None
) -> Tensor:
    """切片 Wasserstein 距离 SW_p:把两组点投影到许多随机方向上,比较一维分布。

    公式:SW_p(X, Y) = ( E_θ [ W_p^p( θᵀX, θᵀY ) ] )^{1/p},θ 在单位球面上均匀分布。两组各 N 个点时,
    一维的 W_p^p 就是把两组投影分别排序后,对应元素之差的 p 次方的平均。期望用 ``num_projections``
    个随机方向的平均近似(方向 = 标准正态向量除以它的范数)。

    参数:
        x: 形状 (N, d) 的样本。
        y: 形状 (N, d) 的样本(点数必须与 x 相同)。
        num_projections: 随机方向的个数。
        p: 阶数(≥ 1)。
        generator: 随机数发生器(用来抽方向)。

    返回:
        标量张量(≥ 0;x 与 y 是同一组点时为 0)。把所有点平移向量 c 时,SW_2 = |c| / √d
        (在方向上取平均的精确值)。

    可用的 PyTorch 函数:``torch.randn``、``torch.linalg.vector_norm``、矩阵乘法 ``@``、
    ``torch.sort``(沿 ``dim=0``)、``torch.mean``。
    """
    raise NotImplementedError("练习 sliced-wasserstein")
# ANCHOR_END: sliced_wasserstein


# ANCHOR: mmd_rbf
def mmd_rbf(x: Tensor, y: Tensor, bandwidths: Sequence[float] = (0.5, 1.0, 2.0)) -> Tensor:
    """用高斯(RBF)核的最大均值差异 MMD² 的无偏估计。

    核:k(a, b) = Σ_h exp( −|a − b|² / (2h²) ),对 ``bandwidths`` 中的每个 h 求和。
    无偏估计(U 统计量):
        MMD² = 1/(N(N−1)) Σ_{i≠j} k(x_i, x_j) + 1/(M(M−1)) Σ_{i≠j} k(y_i, y_j) − 2/(NM) Σ_{i,j} k(x_i, y_j)
    (前两项去掉对角线 i = j)。两组样本来自同一分布时它的期望为 0,所以估计值可以略小于 0。

    参数:
        x: 形状 (N, d) 的样本,N ≥ 2。
        y: 形状 (M, d) 的样本,M ≥ 2。
        bandwidths: 核宽度 h 的列表。

    返回:
        标量张量。

    可用的 PyTorch 函数:``torch.cdist``(两两距离,平方后使用)、``torch.exp``、``torch.sum``、
    ``torch.diagonal``(或 ``torch.Tensor.fill_diagonal_``)。
    """
    raise NotImplementedError("练习 mmd")
# ANCHOR_END: mmd_rbf
