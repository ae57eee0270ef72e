"""流匹配（第 6 章）：高斯概率路径、条件流匹配损失、小批量最优传输配对、欧拉 ODE 采样、再整流、
轨迹直度，以及速度与第 3 章各种参数化之间的换算；还有连续标准化流里用到的 Hutchinson 散度估计。

时间约定与全书一致：t = 0 是数据，t = 1 是源分布（通常是标准高斯噪声）。流匹配论文多把数据放在
t = 1，书中第 6 章的公式都已换算到本书的方向。``t`` 是形状 (B,) 的浮点张量，取值在 [0, 1]；
``x0`` 是数据样本，``x1`` 是源分布的样本（高斯源时就是 ε），形状都是 (B, d)。

概率路径写成 x_t = a_t x0 + σ_t x1，条件速度（回归目标）是 u_t = a'_t x0 + σ'_t x1（对 t 求导）。
两种路径：

- ``"linear"``：a_t = 1 − t，σ_t = σ_min + (1 − σ_min) t（σ_min = 0 时就是直线插值；Lipman et al.,
  2022 的「最优传输」路径）；
- ``"cosine"``：a_t = cos(πt/2)，σ_t = sin(πt/2)（方差保持的三角路径）。

速度场网络 ``model`` 是任何可调用对象 ``model(x, t) -> Tensor``：输入形状 (B, d) 的 x 与形状 (B,)
的浮点时间，输出形状 (B, d) 的速度 dx/dt。采样从 t = 1 积分到 t = 0。
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

__all__ = [
    "hutchinson_divergence",
]

Model = Callable[[Tensor, Tensor], Tensor]

# ANCHOR: hutchinson_divergence
def hutchinson_divergence(
    f: Callable[[Tensor], Tensor], x: Tensor, num_probes: int = 1, generator: torch.Generator | None = None
) -> Tensor:
    """向量场 f 在 x 处散度 ∇·f(x) = tr(∂f/∂x) 的 Hutchinson 估计（练习 6.1 节）。

    公式：对 E[ξ] = 0、E[ξ ξᵀ] = I 的随机向量 ξ（这里用 Rademacher 分布，各分量独立地取 ±1），
        tr(J) = E[ ξᵀ J ξ ]，
    用 ``num_probes`` 个独立的 ξ 取平均。ξᵀ J 是一次向量–雅可比积（反向传播一次），不需要构造 J。

    参数：
        f: 逐样本的向量场，输入形状 (B, d)，输出形状 (B, d)，第 b 行输出只依赖第 b 行输入。
        x: 形状 (B, d) 的点。
        num_probes: 探针向量的个数 K（≥ 1）。
        generator: 抽取 ξ 用的随机数发生器。

    返回：
        形状 (B,) 的估计，dtype 与 ``x`` 相同。对线性场 f(x) = x Aᵀ，估计的期望是 tr(A)；
        K 很大时趋于 tr(A)。

    可用的 PyTorch 函数：``torch.randint``（再变成 ±1）、``torch.Tensor.requires_grad_``、
    ``torch.autograd.grad``（``grad_outputs=ξ``）、``torch.Tensor.sum``。
    """
    raise NotImplementedError("练习 hutchinson-divergence")
# ANCHOR_END: hutchinson_divergence
