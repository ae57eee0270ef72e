"""连续时间扩散：前向 SDE、反向 SDE、预测–校正采样、概率流 ODE 与似然（第 5 章）。

约定：连续时间 ``t`` 取值于 [0, 1]，t = 0 是数据，t = 1 是先验；作为参数的 ``t`` 是形状 (B,) 的浮点
张量（批里每个样本可以有自己的时刻），也可以是 0 维张量。数据 ``x`` 的形状是 (B, d)（或 (B, …)）；每个
样本的系数要先变形成 (B, 1, …, 1) 才能和 x 广播（``SDE`` 的方法已经这样做了）。采样器里的时间网格用
float64 计算，结果与输入 ``x`` 同 dtype。

三种前向 SDE（Song 等人，2021）都写成 dx = f(x, t) dt + g(t) dw：
    VP:     f = −½ β(t) x,  g = √β(t)
    sub-VP: f = −½ β(t) x,  g = √( β(t) (1 − e^{−2 B(t)}) )
    VE:     f = 0,          g = σ(t) √( 2 log(σ_max / σ_min) ),  σ(t) = σ_min (σ_max / σ_min)^t
其中 β(t) = β_min + t (β_max − β_min)，B(t) = ∫_0^t β(r) dr = β_min t + ½ t² (β_max − β_min)。
"""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import Tensor

__all__ = [
    "SDE",
    "marginal_coefficients",
    "euler_maruyama",
    "gmm_score",
    "reverse_sde_sample",
    "predictor_corrector_sample",
    "pf_ode_sample",
    "pf_ode_log_likelihood",
    "edm_sigma_steps",
    "edm_heun_sample",
]

ScoreFn = Callable[[Tensor, Tensor], Tensor]


def _per_sample(c: Tensor | float, x: Tensor) -> Tensor:
    """把形状 (B,) 的系数变成 (B, 1, …, 1)，与 x 广播；0 维系数原样返回（转成 x 的 dtype）。"""
    c = torch.as_tensor(c, dtype=x.dtype)
    if c.dim() == 0:
        return c
    return c.reshape(c.shape[0], *([1] * (x.dim() - 1)))


class SDE:
    """VP、sub-VP 或 VE 前向 SDE（已实现）：漂移、扩散系数与先验。

    参数：
        kind: ``"vp"``、``"subvp"`` 或 ``"ve"``。
        beta_min, beta_max: VP 与 sub-VP 的线性 β(t) 的两端（Song 等人取 0.1 与 20）。
        sigma_min, sigma_max: VE 的噪声水平两端（Song 等人在 CIFAR-10 上取 0.01 与 50）。

    方法：
        ``beta(t)``、``int_beta(t)`` = B(t)、``ve_sigma(t)`` = σ(t)；
        ``drift(x, t)`` → 与 x 同形状的 f(x, t)；``diffusion(t)`` → 与 t 同形状的 g(t)；
        ``prior_std()`` → 先验 N(0, s² I) 的 s（VP、sub-VP 为 1,VE 为 σ_max）；
        ``prior_sample(shape, generator=None, dtype=torch.float32)``；``prior_log_prob(x)`` → 形状 (B,)。
    """

    def __init__(
        self,
        kind: str = "vp",
        beta_min: float = 0.1,
        beta_max: float = 20.0,
        sigma_min: float = 0.01,
        sigma_max: float = 50.0,
    ) -> None:
        if kind not in ("vp", "subvp", "ve"):
            raise ValueError(f"kind must be 'vp', 'subvp' or 've', not {kind!r}")
        self.kind = kind
        self.beta_min, self.beta_max = beta_min, beta_max
        self.sigma_min, self.sigma_max = sigma_min, sigma_max

    def beta(self, t: Tensor) -> Tensor:
        return self.beta_min + t * (self.beta_max - self.beta_min)

    def int_beta(self, t: Tensor) -> Tensor:
        return self.beta_min * t + 0.5 * (self.beta_max - self.beta_min) * t**2

    def ve_sigma(self, t: Tensor) -> Tensor:
        return self.sigma_min * (self.sigma_max / self.sigma_min) ** t

    def drift(self, x: Tensor, t: Tensor) -> Tensor:
        if self.kind == "ve":
            return torch.zeros_like(x)
        return -0.5 * _per_sample(self.beta(t), x) * x

    def diffusion(self, t: Tensor) -> Tensor:
        t = torch.as_tensor(t)
        if self.kind == "vp":
            return torch.sqrt(self.beta(t))
        if self.kind == "subvp":
            return torch.sqrt(self.beta(t) * -torch.expm1(-2.0 * self.int_beta(t)))
        return self.ve_sigma(t) * math.sqrt(2.0 * math.log(self.sigma_max / self.sigma_min))

    def prior_std(self) -> float:
        return self.sigma_max if self.kind == "ve" else 1.0

    def prior_sample(
        self, shape: tuple[int, ...], generator: torch.Generator | None = None, dtype: torch.dtype = torch.float32
    ) -> Tensor:
        return self.prior_std() * torch.randn(shape, generator=generator, dtype=dtype)

    def prior_log_prob(self, x: Tensor) -> Tensor:
        s = self.prior_std()
        flat = x.reshape(x.shape[0], -1)
        return -0.5 * (flat**2).sum(1) / s**2 - 0.5 * flat.shape[1] * math.log(2.0 * math.pi * s**2)


# ANCHOR: marginal_coefficients
def marginal_coefficients(sde: SDE, t: Tensor) -> tuple[Tensor, Tensor]:
    """前向 SDE 的转移核 p_{0t}(x_t | x_0) = N( a(t) x_0, σ(t)² I ) 的两个系数 (a(t), σ(t))。

    公式（推导见 5.2 节）：
        VP:     a = e^{−B(t)/2},  σ = √(1 − e^{−B(t)})
        sub-VP: a = e^{−B(t)/2},  σ = 1 − e^{−B(t)}
        VE:     a = 1,            σ = √( σ(t)² − σ_min² )   （精确核；Song 等人的代码近似为 σ(t)）
    其中 B(t) = ``sde.int_beta(t)``,σ(t) = ``sde.ve_sigma(t)``。

    参数：
        sde: 一个 ``SDE``（看 ``sde.kind``）。
        t: 形状 (B,) 或 0 维的时刻，取值于 [0, 1]。

    返回：
        (a, sigma)，两个与 ``t`` 同形状、同 dtype 的张量。t = 0 时 a = 1、σ = 0。

    可用的 PyTorch 函数：``torch.exp``、``torch.expm1``（小 B 时 1 − e^{−B} 更准）、``torch.sqrt``、
    ``torch.ones_like``。
    """
    raise NotImplementedError("练习 sde-kernels")
# ANCHOR_END: marginal_coefficients


# ANCHOR: euler_maruyama
def euler_maruyama(
    x: Tensor,
    drift: Callable[[Tensor, Tensor], Tensor],
    diffusion: Callable[[Tensor], Tensor],
    t_grid: Tensor,
    generator: torch.Generator | None = None,
    return_path: bool = False,
) -> Tensor:
    """欧拉–丸山法：沿时间网格 t_0, t_1, …, t_N 积分 dx = f(x, t) dt + g(t) dw。

    一步（Δt_i = t_{i+1} − t_i，可以为负：倒着走时间时用同一个函数）：
        x_{i+1} = x_i + f(x_i, t_i) Δt_i + g(t_i) √|Δt_i| · z_i,   z_i ~ N(0, I)。

    参数：
        x: 形状 (B, …) 的初值 x(t_0)。
        drift: 函数 f(x, t)，x 形状 (B, …)、t 形状 (B,)，返回与 x 同形状。
        diffusion: 函数 g(t)，t 形状 (B,)，返回形状 (B,)（要变形成 (B, 1, …, 1) 再乘）。
        t_grid: 形状 (N + 1,) 的时间网格（float64；递增或递减都可以）。
        generator: 抽 z_i 的随机数发生器（``torch.randn(x.shape, generator=…, dtype=x.dtype)``）。
        return_path: 为 True 时返回整条路径。

    返回：
        return_path 为 False 时，与 x 同形状、同 dtype 的 x(t_N)；为 True 时形状 (N + 1, B, …)，
        第 0 个是初值。每一步传给 drift、diffusion 的 t 是填满 t_i 的形状 (B,)、dtype 与 x 相同的张量。

    可用的 PyTorch 函数：``torch.randn``、``torch.full``、``torch.stack``、``math.sqrt``。
    """
    raise NotImplementedError("练习 euler-maruyama")
# ANCHOR_END: euler_maruyama


# ANCHOR: gmm_score
def gmm_score(x: Tensor, a: Tensor, sigma: Tensor, means: Tensor, stds: Tensor, weights: Tensor) -> Tensor:
    """高斯混合数据在高斯加噪 x_t = a x_0 + σ ε 下的精确边缘分数 ∇_x log p_t(x)。

    数据 p_0 = Σ_k π_k N(m_k, s_k² I)；加噪后仍是混合，权重不变：
        p_t(x) = Σ_k π_k N( x; a m_k, v_k I ),  v_k = a² s_k² + σ²,
        ∇ log p_t(x) = Σ_k r_k(x) · ( a m_k − x ) / v_k,
        r_k(x) = softmax_k( log π_k − |x − a m_k|² / (2 v_k) − (d/2) log v_k )（后验责任）。

    参数：
        x: 形状 (B, d) 的点。
        a, sigma: 形状 (B,) 的系数（每个点可以在不同的时刻），或 0 维张量。
        means: 形状 (K, d) 的 m_k；stds: 形状 (K,) 的 s_k；weights: 形状 (K,) 的 π_k（和为 1）。

    返回：
        形状 (B, d)、与 x 同 dtype 的分数。σ → 0 且 s_k > 0 时回到数据本身的分数。

    可用的 PyTorch 函数：``torch.softmax``（数值稳定地算 r_k，不要先算 exp 再归一化）、``torch.log``、
    广播（把 x 变成 (B, 1, d)、means 变成 (1, K, d)）、``torch.Tensor.sum``。
    """
    raise NotImplementedError("练习 gmm-marginal-score")
# ANCHOR_END: gmm_score


# ANCHOR: reverse_sde_sample
def reverse_sde_sample(
    sde: SDE,
    score_fn: ScoreFn,
    x: Tensor,
    n_steps: int,
    t_eps: float = 1e-3,
    generator: torch.Generator | None = None,
) -> Tensor:
    """用欧拉–丸山法解反向 SDE dx = [ f(x, t) − g(t)² ∇log p_t(x) ] dt + g(t) dw̄，从 t = 1 走到 t_eps。

    时间网格 ``torch.linspace(1.0, t_eps, n_steps + 1, dtype=torch.float64)``（Δt < 0）；每一步都加噪声
    （包括最后一步）。可以直接调用 ``euler_maruyama``，把反向漂移作为 drift 传进去。

    参数：
        sde: 前向 SDE。
        score_fn: 函数 s(x, t) ≈ ∇ log p_t(x)，x 形状 (B, d)、t 形状 (B,)。
        x: 形状 (B, d) 的 x(1)（通常是 ``sde.prior_sample`` 的输出）。
        n_steps: 步数 N（分数函数调用 N 次）。
        t_eps: 终止时刻（避开 t = 0 处可能发散的分数；Song 等人对 VP 取 10⁻³）。
        generator: 随机数发生器。

    返回：
        与 x 同形状、同 dtype 的 x(t_eps)。

    可用的 PyTorch 函数：``torch.linspace``、``euler_maruyama``（本模块）。
    """
    raise NotImplementedError("练习 reverse-sde-sampler")
# ANCHOR_END: reverse_sde_sample


# ANCHOR: predictor_corrector_sample
def predictor_corrector_sample(
    sde: SDE,
    score_fn: ScoreFn,
    x: Tensor,
    n_steps: int,
    snr: float = 0.16,
    n_corrector: int = 1,
    t_eps: float = 1e-3,
    generator: torch.Generator | None = None,
) -> Tensor:
    """预测–校正（PC）采样：每个网格时刻先做 M 步朗之万校正，再做一步反向欧拉–丸山预测。

    网格与 ``reverse_sde_sample`` 相同。对 i = 0, …, N − 1，t = t_i：
      校正（重复 M = ``n_corrector`` 次）：s = s(x, t)，z ~ N(0, I)，
          ε = 2 ( r · ‖z‖ / ‖s‖ )²（r = ``snr``；范数按样本算，再对批平均），
          x ← x + ε s + √(2ε) z；
      预测：x ← x + [ f(x, t) − g(t)² s(x, t) ] Δt + g(t) √|Δt| z′（Δt = t_{i+1} − t_i < 0）。
    顺序与 Song 等人公开代码相同（先校正、后预测；论文的算法 2、3 先预测、再在新时刻校正）。
    对 VP，他们的代码还在 ε 上乘 α_i ≈ 1，这里省去。

    返回：
        与 x 同形状、同 dtype 的 x(t_eps)。分数调用次数为 N (M + 1)。

    可用的 PyTorch 函数：``torch.randn``、``torch.linalg.vector_norm``（``dim=1``）、``torch.Tensor.mean``、
    ``torch.sqrt``。
    """
    raise NotImplementedError("练习 pc-sampler")
# ANCHOR_END: predictor_corrector_sample


# ANCHOR: pf_ode_sample
def pf_ode_sample(
    sde: SDE, score_fn: ScoreFn, x: Tensor, n_steps: int, method: str = "euler", t_eps: float = 1e-3
) -> Tensor:
    """解概率流 ODE dx/dt = f(x, t) − ½ g(t)² ∇log p_t(x)，从 t = 1 走到 t_eps（确定性）。

    网格与 ``reverse_sde_sample`` 相同。记 v(x, t) = f − ½ g² s。
        ``"euler"``: x ← x + v(x, t_i) Δt；
        ``"heun"``:  x̃ = x + v(x, t_i) Δt，x ← x + ½ [ v(x, t_i) + v(x̃, t_{i+1}) ] Δt（每一步都校正）。

    返回：
        与 x 同形状、同 dtype 的 x(t_eps)。分数调用次数：Euler 为 N，Heun 为 2N。

    可用的 PyTorch 函数：``torch.linspace``、``torch.full``。
    """
    raise NotImplementedError("练习 pf-ode-sampler")
# ANCHOR_END: pf_ode_sample


# ANCHOR: pf_ode_log_likelihood
def pf_ode_log_likelihood(
    sde: SDE,
    score_fn: ScoreFn,
    x0: Tensor,
    n_steps: int = 100,
    t_eps: float = 1e-3,
    n_probes: int = 0,
    generator: torch.Generator | None = None,
) -> Tensor:
    """用概率流 ODE 与瞬时变量替换公式计算 log p_{t_eps}(x0)。

    把 x 从 t_eps 积分到 1，同时累积散度：
        log p_{t_eps}(x(t_eps)) = log p_1(x(1)) + ∫_{t_eps}^1 ∇·v(x(t), t) dt,
    log p_1 用先验 ``sde.prior_log_prob``。网格 ``torch.linspace(t_eps, 1.0, n_steps + 1)``（float64）；
    对增广状态 (x, ℓ) 用 Heun 法（与 ``pf_ode_sample`` 的 ``"heun"`` 相同，ℓ 的导数是 ∇·v）。
    散度：``n_probes = 0`` 时精确计算，逐维求 ∂v_j/∂x_j（``torch.autograd.grad``，d 次）；
    ``n_probes = P > 0`` 时用 Hutchinson 估计 (1/P) Σ_p e_pᵀ (∂v/∂x) e_p，e_p 是 Rademacher 向量
    （±1 等概率，在积分开始前抽一次，整条轨迹共用）。score_fn 必须对 x 可微。

    参数：
        x0: 形状 (B, d) 的点。
        其余见上；generator 用于抽 Rademacher 向量（``torch.randint`` 的 0/1 乘 2 减 1）。

    返回：
        形状 (B,)、与 x0 同 dtype 的对数密度（单位 nats），不带计算图。

    可用的 PyTorch 函数：``torch.enable_grad``、``torch.Tensor.requires_grad_``、``torch.autograd.grad``、
    ``torch.Tensor.detach``、``torch.randint``。
    """
    raise NotImplementedError("练习 pf-ode-likelihood")
# ANCHOR_END: pf_ode_log_likelihood


# ANCHOR: edm_sigma_steps
def edm_sigma_steps(n: int, sigma_min: float = 0.002, sigma_max: float = 80.0, rho: float = 7.0) -> Tensor:
    """EDM 的噪声水平网格（Karras 等人，2022，式 (5)）：

        σ_i = ( σ_max^{1/ρ} + i/(n − 1) · ( σ_min^{1/ρ} − σ_max^{1/ρ} ) )^ρ,  i = 0, …, n − 1,  σ_n = 0。

    返回：
        形状 (n + 1,) 的 float64 张量，从 σ_max 递减到 σ_min，最后一个是 0。

    可用的 PyTorch 函数：``torch.arange``、``torch.cat``。
    """
    raise NotImplementedError("练习 edm-time-grid")
# ANCHOR_END: edm_sigma_steps


# ANCHOR: edm_heun_sample
def edm_heun_sample(score_fn: ScoreFn, x: Tensor, sigmas: Tensor) -> Tensor:
    """EDM 的确定性 Heun 采样器（Karras 等人，2022，算法 1）：解 dx/dσ = −σ ∇log p(x; σ)。

    对 i = 0, …, n − 1（σ_i → σ_{i+1}）：
        d = −σ_i s(x, σ_i),  x̃ = x + (σ_{i+1} − σ_i) d；
        若 σ_{i+1} > 0:  d′ = −σ_{i+1} s(x̃, σ_{i+1}),  x ← x + (σ_{i+1} − σ_i) (d + d′)/2；否则 x ← x̃。

    参数：
        score_fn: 函数 s(x, σ) ≈ ∇ log p(x; σ)，p(·; σ) 是数据与 N(0, σ² I) 的卷积；σ 形状 (B,)。
        x: 形状 (B, d) 的初值，应当服从 N(0, σ_0² I)。
        sigmas: ``edm_sigma_steps`` 的输出（或任何以 0 结尾的递减网格）。

    返回：
        与 x 同形状、同 dtype 的样本。分数调用次数 2n − 1。

    可用的 PyTorch 函数：``torch.full``。
    """
    raise NotImplementedError("练习 edm-heun")
# ANCHOR_END: edm_heun_sample
