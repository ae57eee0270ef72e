"""比较两组样本的度量（第 3.6 节）：生成的样本与真实数据有多接近。

两者都只用样本本身，不需要密度；在二维玩具数据上很灵敏，计算也快。
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

__all__ = ["sliced_wasserstein", "mmd_rbf"]


# ANCHOR: sliced_wasserstein
def sliced_wasserstein(
    x: Tensor, y: Tensor, num_projections: int = 256, generator: torch.Generator | None = None
) -> Tensor:
    """切片 Wasserstein 距离 SW_2 的蒙特卡罗估计：把两组点投影到许多随机方向上，比较一维分布。

    公式：SW_2(X, Y) = ( E_θ [ W_2²( θᵀX, θᵀY ) ] )^{1/2},θ 在单位球面上均匀分布。两组各 n 个点时，
    一维的 W_2² 就是把两组投影分别排序后，对应元素之差的平方的平均。期望用 L = ``num_projections``
    个随机方向的平均近似：
        SW_2 ≈ ( (1/L) Σ_l (1/n) Σ_i ( ⟨θ_l, x⟩_(i) − ⟨θ_l, y⟩_(i) )² )^{1/2},
    其中下标 (i) 表示排序后的第 i 个；方向 θ_l = 标准正态向量除以它的范数。

    参数：
        x: 形状 (n, d) 的样本。
        y: 形状 (n, d) 的样本（点数必须与 x 相同）。
        num_projections: 随机方向的个数 L。
        generator: 随机数发生器（用来抽方向；固定种子使指标曲线不额外抖动）。

    返回：
        标量张量（≥ 0;x 与 y 是同一组点时为 0；注意返回的是 SW_2，已经开方）。把所有点平移向量 c 时，
        SW_2 = |c| / √d（在方向上取平均的精确值）。

    可用的 PyTorch 函数：``torch.randn``（传 ``generator=``）、``torch.nn.functional.normalize``、
    矩阵乘法 ``@``、``torch.sort``（沿样本维 ``dim=0``）、``torch.mean``、``torch.sqrt``。
    """
    raise NotImplementedError("练习 sliced-wasserstein")
# ANCHOR_END: sliced_wasserstein


# ANCHOR: mmd_rbf
def mmd_rbf(x: Tensor, y: Tensor, bandwidth: float | Sequence[float] | None = None) -> Tensor:
    """用高斯(RBF)核的最大均值差异 MMD² 的无偏估计。

    核：k(a, b) = exp( −|a − b|² / (2ℓ²) );``bandwidth`` 是一组 ℓ 时，k 是各个带宽的核之和。
    ``bandwidth`` 为 None 时用中位数启发式：把 x 与 y 拼接起来，取所有 i ≠ j 的成对距离 |z_i − z_j|
    的中位数（``torch.median``，个数为偶数时取较小的那个）作为 ℓ。
    无偏估计（U 统计量）：
        MMD² = 1/(m(m−1)) Σ_{i≠j} k(x_i, x_j) + 1/(n(n−1)) Σ_{i≠j} k(y_i, y_j) − 2/(mn) Σ_{i,j} k(x_i, y_j)
    （前两项去掉对角线 i = j）。两组样本来自同一分布时它的期望为 0，所以估计值可以略小于 0。

    参数：
        x: 形状 (m, d) 的样本，m ≥ 2。
        y: 形状 (n, d) 的样本，n ≥ 2。
        bandwidth: 一个带宽 ℓ、一组带宽，或 None（中位数启发式）。

    返回：
        标量张量。

    可用的 PyTorch 函数：``torch.cdist``（两两距离，平方后使用）、``torch.cat``、``torch.median``、
    ``torch.exp``、``torch.sum``、``torch.diagonal``（或 ``torch.Tensor.fill_diagonal_``）。
    """
    raise NotImplementedError("练习 mmd")
# ANCHOR_END: mmd_rbf
