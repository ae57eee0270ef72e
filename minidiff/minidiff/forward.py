"""前向（加噪）过程（第 1.4 节）。

约定：``t`` 是形状 (B,) 的整数张量，取值 1, …, T（批里每个样本可以有自己的步数）；逐步张量
``betas``、``alpha_bar`` 长度为 T，第 t 步在下标 t − 1 处。数据 ``x`` 的形状是 (B, …)，例如
二维点 (B, 2) 或图像 (B, C, H, W)；每个样本的系数要先变形成 (B, 1, …, 1) 才能和 x 广播。
调度通常是 float64，结果要与 x 同 dtype。
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["q_step", "q_sample", "prior_kl"]


# ANCHOR: q_step
def q_step(x_prev: Tensor, t: Tensor, betas: Tensor, noise: Tensor | None = None) -> Tensor:
    """前向马尔可夫链的一步：从 q(x_t | x_{t−1}) = N( √(1 − β_t) x_{t−1}, β_t I ) 中抽样。

    公式：x_t = √(1 − β_t) · x_{t−1} + √β_t · ε,ε ~ N(0, I)。

    参数：
        x_prev: 形状 (B, …) 的 x_{t−1}。
        t: 形状 (B,) 的整数步数，取值 1, …, T。
        betas: 形状 (T,) 的 β_1, …, β_T。
        noise: 可选，与 ``x_prev`` 同形状的 ε；为 None 时自己抽一份标准正态噪声。

    返回：
        形状、dtype 都与 ``x_prev`` 相同的 x_t。

    可用的 PyTorch 函数：``torch.randn_like``、按下标取值 ``betas[t - 1]``、``torch.Tensor.view``
    或 ``torch.Tensor.reshape``（变成 (B, 1, …, 1)）、``torch.Tensor.to``（转换 dtype）、``torch.sqrt``。
    """
    raise NotImplementedError("练习 forward-markov-step")
# ANCHOR_END: q_step


# ANCHOR: q_sample
def q_sample(x0: Tensor, t: Tensor, alpha_bar: Tensor, noise: Tensor | None = None) -> Tensor:
    """一步跳到第 t 步：从 q(x_t | x_0) = N( √ᾱ_t x_0, (1 − ᾱ_t) I ) 中抽样（重参数化）。

    公式：x_t = √ᾱ_t · x_0 + √(1 − ᾱ_t) · ε,ε ~ N(0, I)。训练时要用同一个 ε 做回归目标，所以
    通常由调用者生成 ε 并传进来。

    参数：
        x0: 形状 (B, …) 的干净数据。
        t: 形状 (B,) 的整数步数，取值 1, …, T。
        alpha_bar: 形状 (T,) 的 ᾱ_1, …, ᾱ_T。
        noise: 可选，与 ``x0`` 同形状的 ε；为 None 时用 ``torch.randn_like(x0)``。

    返回：
        形状、dtype 都与 ``x0`` 相同的 x_t。

    可用的 PyTorch 函数：``torch.randn_like``、按下标取值 ``alpha_bar[t - 1]``、``torch.Tensor.view``、
    ``torch.Tensor.to``、``torch.sqrt``。
    """
    raise NotImplementedError("练习 q-sample")
# ANCHOR_END: q_sample


# ANCHOR: prior_kl
def prior_kl(x0: Tensor, alpha_bar_T: float | Tensor) -> Tensor:
    """先验项 L_T = KL( q(x_T | x_0) ‖ N(0, I) )，单位为 nats，对每个样本的所有数据维求和。

    公式：q(x_T | x_0) = N(μ, σ² I),μ = √ᾱ_T x_0,σ² = 1 − ᾱ_T。对每一维，
    KL( N(μ, σ²) ‖ N(0, 1) ) = ½ ( σ² + μ² − 1 − log σ² ) = ½ ( ᾱ_T x² − ᾱ_T − log(1 − ᾱ_T) ),
    再对 x_0 的所有非批维度求和，即 L_T = ½ [ ᾱ_T ‖x_0‖² − d ᾱ_T − d log(1 − ᾱ_T) ]。
    这一项不含可学习参数；它衡量前向过程在 T 步后离标准正态还有多远。

    数值上要注意：log(1 − ᾱ_T) 必须用 ``torch.log1p(-alpha_bar_T)`` 计算。ᾱ_T 只有 10⁻⁹ 量级时，
    float32 里 1 − ᾱ_T 恰好等于 1，先相减再取 ``torch.log`` 会得到 0,KL 甚至变成负数。

    参数：
        x0: 形状 (B, …) 的干净数据。
        alpha_bar_T: 标量 ᾱ_T（Python 浮点数或零维张量），例如 ``alpha_bar(betas)[-1]``。

    返回：
        形状 (B,) 的张量，dtype 与 ``x0`` 相同（先把 ᾱ_T 转成 x0 的 dtype 与设备再计算）。

    可用的 PyTorch 函数：``torch.as_tensor``（``dtype=``、``device=`` 与 x0 相同）、``torch.log1p``、
    ``torch.Tensor.flatten``(``start_dim=1``)、``torch.sum``(``dim=1``)。
    """
    raise NotImplementedError("练习 prior-kl")
# ANCHOR_END: prior_kl
