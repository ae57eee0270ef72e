"""噪声调度（第 1.5 节）。

一个离散噪声调度就是 T 个方差 β_1, …, β_T。本模块的约定：

- 逐步张量的长度是 T，下标 t − 1 处存放第 t 步的值（``betas[0]`` 是 β_1,``betas[-1]`` 是 β_T）；
- 调度在 float64 中计算并以 float64 返回：ᾱ_t 是上千个数的连乘，float32 的舍入误差在 t 接近 T
  时不可忽略。用到网络输入上时再转换成数据的 dtype。
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = [
    "linear_betas",
    "cosine_betas",
    "sigmoid_betas",
    "alpha_bar",
    "log_snr",
    "rescale_zero_terminal_snr",
]


# ANCHOR: alpha_bar
def alpha_bar(betas: Tensor) -> Tensor:
    """由 β_t 求累积乘积 ᾱ_t = ∏_{s=1}^{t} α_s，其中 α_s = 1 − β_s。

    参数：
        betas: 形状 (T,) 的 β_1, …, β_T。

    返回：
        形状 (T,)、与 ``betas`` 同 dtype 的 ᾱ_1, …, ᾱ_T（下标 t − 1 处是 ᾱ_t）。它单调不增；
        对 DDPM 的线性调度，ᾱ_T ≈ 4.04 × 10⁻⁵。

    可用的 PyTorch 函数：``torch.cumprod``（沿 ``dim=0`` 的累积乘积）。
    """
    raise NotImplementedError("练习 alpha-bar-cumprod")
# ANCHOR_END: alpha_bar


# ANCHOR: linear_betas
def linear_betas(T: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02) -> Tensor:
    """DDPM 的线性调度(Ho et al., 2020):β_t 从 ``beta_start`` 到 ``beta_end`` 等间隔取 T 个值。

    公式：β_t = β_start + (β_end − β_start) · (t − 1) / (T − 1),t = 1, …, T。

    参数：
        T: 步数。
        beta_start: β_1。
        beta_end: β_T。

    返回：
        形状 (T,) 的 float64 张量。默认参数下 β_1 = 10⁻⁴,β_T = 0.02,ᾱ_T ≈ 4.04 × 10⁻⁵。

    可用的 PyTorch 函数：``torch.linspace``（记得 ``dtype=torch.float64``）。
    """
    raise NotImplementedError("练习 linear-schedule")
# ANCHOR_END: linear_betas


# ANCHOR: cosine_betas
def cosine_betas(T: int = 1000, s: float = 0.008, max_beta: float = 0.999) -> Tensor:
    """余弦调度(Nichol & Dhariwal, 2021)：先规定 ᾱ 的形状，再反推 β_t。

    公式：f(t) = cos²( (t/T + s) / (1 + s) · π/2 ),ᾱ(t) = f(t) / f(0),t = 0, 1, …, T;
    β_t = min( 1 − ᾱ(t) / ᾱ(t − 1), max_beta ),t = 1, …, T。
    截断 ``max_beta`` 只在最后一步起作用（那里 f(T) ≈ 0，不截断则 β_T = 1）。截断之后，用
    ``alpha_bar`` 连乘得到的 ᾱ_t 在 t < T 时仍等于 f(t)/f(0)。

    参数：
        T: 步数。
        s: 小的偏移，防止 t 接近 0 时 β_t 过小。
        max_beta: β_t 的上限。

    返回：
        形状 (T,) 的 float64 张量。默认参数下 β_1 ≈ 4.13 × 10⁻⁵,β_{T−1} ≈ 0.750,β_T = 0.999
        （唯一被截断的一项），连乘得 ᾱ_T ≈ 2.43 × 10⁻⁹。

    可用的 PyTorch 函数：``torch.linspace`` 或 ``torch.arange``（T + 1 个点，``dtype=torch.float64``）、
    ``torch.cos``、``torch.clamp``（或 ``torch.clamp_max``）。
    """
    raise NotImplementedError("练习 cosine-schedule")
# ANCHOR_END: cosine_betas


# ANCHOR: sigmoid_betas
def sigmoid_betas(
    T: int = 1000,
    start: float = -3.0,
    end: float = 3.0,
    tau: float = 1.0,
    max_beta: float = 0.999,
) -> Tensor:
    """sigmoid 调度(Jabri et al., 2022;Chen, 2023):ᾱ 沿一段 sigmoid 曲线从 1 降到 0。

    公式（书中 1.5.3 节，ℓ_0 = ``start``,ℓ_1 = ``end``）：记 σ 为 sigmoid 函数，对 u = t/T ∈ [0, 1],
        ᾱ(u) = ( σ(ℓ_1/τ) − σ( (u · (ℓ_1 − ℓ_0) + ℓ_0) / τ ) ) / ( σ(ℓ_1/τ) − σ(ℓ_0/τ) ),
    于是 ᾱ(0) = 1、ᾱ(1) = 0。在 t = 0, 1, …, T 这 T + 1 个点上取 ᾱ_t = ᾱ(t/T)，再像余弦调度一样
    反推 β_t = min( 1 − ᾱ_t / ᾱ_{t−1}, max_beta ),t = 1, …, T。截断只在最后一步起作用（那里
    ᾱ_T = 0，不截断则 β_T = 1）。τ 越小，曲线中段越陡。

    参数：
        T: 步数。
        start, end: sigmoid 取的区间端点 ℓ_0、ℓ_1。
        tau: 温度 τ(> 0)。
        max_beta: β_t 的上限。

    返回：
        形状 (T,) 的 float64 张量。默认参数下 β_1 ≈ 3.0 × 10⁻⁴,β_T = 0.999，连乘得 ᾱ_T ≈ 3.0 × 10⁻⁷。

    可用的 PyTorch 函数：``torch.linspace`` 或 ``torch.arange``(``dtype=torch.float64``)、
    ``torch.sigmoid``、``torch.clamp``。
    """
    raise NotImplementedError("练习 sigmoid-schedule")
# ANCHOR_END: sigmoid_betas


# ANCHOR: log_snr
def log_snr(alpha_bar: Tensor) -> Tensor:
    """对数信噪比 λ_t = log SNR(t) = log( ᾱ_t / (1 − ᾱ_t) )。

    参数：
        alpha_bar: 任意形状的 ᾱ 值，取值在 (0, 1) 内（端点 0 和 1 分别给出 −∞ 和 +∞）。

    返回：
        与输入同形状、同 dtype 的 λ。ᾱ = 0.5 时 λ = 0;λ 随 t 单调递减。

    可用的 PyTorch 函数：``torch.log`` 与 ``torch.log1p``（log(1 − ᾱ) 写成 ``torch.log1p(-alpha_bar)``,
    ᾱ 很小时更精确），或者 ``torch.logit``（它正好是 log(p / (1 − p))）。
    """
    raise NotImplementedError("练习 log-snr")
# ANCHOR_END: log_snr


# ANCHOR: rescale_zero_terminal_snr
def rescale_zero_terminal_snr(betas: Tensor) -> Tensor:
    """把调度改成终端信噪比为零(Lin et al., 2024):ᾱ_T = 0，而 ᾱ_1 保持不变。

    做法：令 a_t = √ᾱ_t。对 a 做仿射变换 a'_t = (a_t − a_T) · a_1 / (a_1 − a_T)，使 a'_T = 0、a'_1 = a_1;
    然后 ᾱ'_t = a'_t²，再由 α'_t = ᾱ'_t / ᾱ'_{t−1}(t ≥ 2)、α'_1 = ᾱ'_1 得到 β'_t = 1 − α'_t。
    结果中 β'_T = 1：最后一步把信号完全抹掉，x_T 就是纯噪声。

    参数：
        betas: 形状 (T,) 的原调度。

    返回：
        形状 (T,)、与输入同 dtype 的新调度 β'。

    可用的 PyTorch 函数：``torch.cumprod``、``torch.sqrt``、``torch.cat``（把 α'_1 接在前面）。
    """
    raise NotImplementedError("练习 zero-terminal-snr")
# ANCHOR_END: rescale_zero_terminal_snr
