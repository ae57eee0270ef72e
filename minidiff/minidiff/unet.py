"""去噪网络的构件（第 2 章）：预条件、高斯最优去噪器、U-Net 与 ViT 的积木。

第 3 章的 ``minidiff.nets`` 里是玩具数据用的时间嵌入与多层感知机；这里放图像上的网络。
所有图像张量的形状都是 (B, C, H, W)，步数 t 与第 3 章相同，是取值 1, …, T 的整数张量，形状 (B,)。
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["edm_preconditioning", "gaussian_denoiser"]


# ANCHOR: edm_preconditioning
def edm_preconditioning(sigma: Tensor, sigma_data: float = 0.5) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """EDM 的预条件系数（Karras et al., 2022，表 1；书中 2.1.3 节）。

    对 x = x_0 + σ ε，去噪器写作 D(x; σ) = c_skip x + c_out F(c_in x; c_noise)，其中
        c_skip = σ_data² / (σ² + σ_data²)
        c_out  = σ σ_data / sqrt(σ² + σ_data²)
        c_in   = 1 / sqrt(σ² + σ_data²)
        c_noise = ln(σ) / 4

    参数：
        sigma: 噪声标准差 σ > 0，任意形状的张量（也可以是 Python 浮点数）。
        sigma_data: 数据每个坐标的标准差（EDM 取 0.5）。

    返回：
        (c_skip, c_out, c_in, c_noise)，每个都是与 ``sigma`` 同形状的浮点张量。

    可用的 PyTorch 函数：``torch.as_tensor``、``torch.sqrt``、``torch.log``。
    """
    raise NotImplementedError("练习 edm-preconditioning")
# ANCHOR_END: edm_preconditioning


# ANCHOR: gaussian_denoiser
def gaussian_denoiser(x: Tensor, sigma: float, mean: Tensor, cov: Tensor) -> Tensor:
    """高斯数据的最优（后验均值）去噪器（书中 2.1.4 节）。

    若 x_0 ~ N(μ, Σ)，观测 x = x_0 + σ ε，则
        E[x_0 | x] = μ + Σ (Σ + σ² I)^{-1} (x − μ)。

    参数：
        x: 形状 (B, d) 的带噪观测。
        sigma: 噪声标准差 σ ≥ 0（Python 浮点数）。
        mean: 形状 (d,) 的均值 μ。
        cov: 形状 (d, d) 的协方差 Σ（对称半正定）。

    返回：
        形状 (B, d)、dtype 与 ``x`` 相同的后验均值。内部用 float64 计算；不要显式求逆，
        用线性方程组求解。

    可用的 PyTorch 函数：``torch.eye``、``torch.linalg.solve``、``torch.Tensor.to``。
    """
    raise NotImplementedError("练习 gaussian-denoiser")
# ANCHOR_END: gaussian_denoiser
