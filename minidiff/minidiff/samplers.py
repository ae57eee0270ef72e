"""快速采样器（第 8 章）：DDIM、DPM-Solver、DPM-Solver++(2M)、Heun（EDM）与时间网格。

连续时间的方差保持（VP）路径 x_t = a_t x_0 + σ_t ε,t ∈ [0, 1]，a_t² + σ_t² = 1。调度由
``VPSchedule`` 给出（已实现）：DDPM 线性调度的连续极限 log ᾱ(t) = −(β_min t + ½(β_max − β_min) t²),
a_t = √ᾱ(t)，对数信噪比 λ_t = log(a_t² / σ_t²)（与书中符号表一致）。DPM-Solver 的步长用
半对数信噪比 ℓ_t = λ_t / 2 = log(a_t / σ_t) 计算，h = ℓ_t − ℓ_s。

网络 ``model`` 是任何可调用对象 ``model(x, t) -> Tensor``：x 形状 (B, d)，t 形状 (B,)、float64
的连续时间，输出与 x 同形状的噪声预测 ε̂。``ExactGMM``（已实现）给出各向同性高斯混合数据的精确
ε(x, t) = −σ_t ∇log p_t(x)，不需要训练就能单独检验采样器的离散化误差。

时间网格 ``ts`` 是形状 (N + 1,)、float64、严格递减的张量，ts[0] = t_max,ts[N] = t_min;
采样器从 ts[0] 处的 x 走到 ts[N]，返回 ts[N] 处的样本（不做最后的去噪）。NFE 指网络调用次数。
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import Tensor

__all__ = [
    "VPSchedule",
    "ExactGMM",
    "ddim_step",
    "ddim_sample",
    "time_grid",
    "dpm_solver_sample",
    "dpm_solver_pp_2m",
    "heun_sample",
]

Model = Callable[[Tensor, Tensor], Tensor]


class VPSchedule:
    """连续时间的线性 VP 调度（已实现）：log ᾱ(t) = −(β_min t + ½(β_max − β_min) t²)。

    默认 β_min = 0.1、β_max = 20，对应 DDPM 的线性调度 β_1 = 10⁻⁴ … β_T = 0.02(T = 1000)
    在 T → ∞ 时的极限（Song 等，2021）。所有方法接受 float 或 float64 张量 t，逐元素计算。
    它与第 5 章 ``minidiff.sde`` 的 VP SDE（同样的 β_min、β_max）是同一个调度；这里单独实现，
    是为了让第 8 章的采样器可以独立使用。
    """

    def __init__(self, beta_min: float = 0.1, beta_max: float = 20.0) -> None:
        self.beta_min = beta_min
        self.beta_max = beta_max

    def _t(self, t: Tensor | float) -> Tensor:
        return torch.as_tensor(t, dtype=torch.float64)

    def log_alpha(self, t: Tensor | float) -> Tensor:
        """log a_t = ½ log ᾱ(t)。"""
        t = self._t(t)
        return -0.5 * (self.beta_min * t + 0.5 * (self.beta_max - self.beta_min) * t**2)

    def alpha(self, t: Tensor | float) -> Tensor:
        """信号系数 a_t = √ᾱ(t)。"""
        return torch.exp(self.log_alpha(t))

    def sigma(self, t: Tensor | float) -> Tensor:
        """噪声系数 σ_t = √(1 − ᾱ(t))。"""
        return torch.sqrt(-torch.expm1(2.0 * self.log_alpha(t)))

    def lam(self, t: Tensor | float) -> Tensor:
        """对数信噪比 λ_t = log(a_t² / σ_t²)。"""
        return 2.0 * (self.log_alpha(t) - torch.log(self.sigma(t)))

    def t_from_lam(self, lam: Tensor | float) -> Tensor:
        """λ_t 的反函数：由 log ᾱ = −softplus(−λ) 解关于 t 的二次方程。"""
        lam = self._t(lam)
        c = torch.nn.functional.softplus(-lam)
        d = self.beta_max - self.beta_min
        return 2.0 * c / (self.beta_min + torch.sqrt(self.beta_min**2 + 2.0 * d * c))


class ExactGMM:
    """各向同性高斯混合数据 Σ_k w_k N(μ_k, s_k² I) 的精确边缘与精确噪声预测（已实现）。

    在 VP 路径下 p_t = Σ_k w_k N(a_t μ_k, (a_t² s_k² + σ_t²) I)，于是
    ε(x, t) = −σ_t ∇log p_t(x) = σ_t Σ_k r_k(x) (x − a_t μ_k) / (a_t² s_k² + σ_t²)，
    r_k 是后验责任（用 ``torch.logsumexp`` 稳定地计算）。

    参数：
        means: 形状 (K, d) 的分量中心。
        stds: 形状 (K,) 的分量标准差，或一个 float（所有分量相同）。
        weights: 形状 (K,) 的权重（会被归一化），None 表示等权。
        schedule: ``VPSchedule``，None 表示默认调度。
    """

    def __init__(
        self,
        means: Tensor,
        stds: Tensor | float,
        weights: Tensor | None = None,
        schedule: VPSchedule | None = None,
    ) -> None:
        self.means = torch.as_tensor(means, dtype=torch.float64)
        k = self.means.shape[0]
        self.stds = torch.as_tensor(stds, dtype=torch.float64).expand(k).clone()
        w = torch.ones(k, dtype=torch.float64) if weights is None else torch.as_tensor(weights, dtype=torch.float64)
        self.weights = w / w.sum()
        self.schedule = schedule or VPSchedule()

    @classmethod
    def eight_gaussians(cls, radius: float = 2.0, std: float = 0.1, schedule: VPSchedule | None = None) -> "ExactGMM":
        """与 ``minidiff.data.eight_gaussians`` 相同的八高斯混合。"""
        ang = torch.arange(8, dtype=torch.float64) * (math.pi / 4)
        means = radius * torch.stack([torch.cos(ang), torch.sin(ang)], dim=1)
        return cls(means, std, None, schedule)

    def eps(self, x: Tensor, t: Tensor) -> Tensor:
        """精确的噪声预测 ε(x, t)；x 形状 (B, d),t 形状 (B,)。返回 x 的 dtype。"""
        xd = x.to(torch.float64)
        t = torch.as_tensor(t, dtype=torch.float64).expand(xd.shape[0])
        a = self.schedule.alpha(t)[:, None, None]
        s = self.schedule.sigma(t)[:, None, None]
        var = a**2 * self.stds[None, :, None] ** 2 + s**2  # (B, K, 1)
        diff = xd[:, None, :] - a * self.means[None]  # (B, K, d)
        d = xd.shape[1]
        logp = torch.log(self.weights)[None] - 0.5 * (diff**2).sum(-1) / var[..., 0] - 0.5 * d * torch.log(var[..., 0])
        r = torch.softmax(logp, dim=1)[..., None]  # (B, K, 1)
        eps = s[:, 0] * (r * diff / var).sum(1)
        return eps.to(x.dtype)

    def sample(self, n: int, t: float = 0.0, generator: torch.Generator | None = None) -> Tensor:
        """从边缘 p_t 精确抽 n 个点（float64）；t = 0 即数据分布。"""
        k = torch.multinomial(self.weights, n, replacement=True, generator=generator)
        a = float(self.schedule.alpha(t))
        s = float(self.schedule.sigma(t))
        std = torch.sqrt(a**2 * self.stds[k] ** 2 + s**2)[:, None]
        z = torch.randn(n, self.means.shape[1], generator=generator, dtype=torch.float64)
        return a * self.means[k] + std * z


# ANCHOR: ddim_step
def ddim_step(
    x_t: Tensor,
    eps: Tensor,
    abar_t: Tensor | float,
    abar_s: Tensor | float,
    eta: float = 0.0,
    noise: Tensor | None = None,
) -> Tensor:
    """DDIM 的一步：从时刻 t 的 x_t 走到更早的时刻 s(ᾱ_s > ᾱ_t)，Song、Meng 与 Ermon（2020）式 (12)。

    公式：
        x̂_0 = ( x_t − √(1 − ᾱ_t) ε̂ ) / √ᾱ_t,
        σ_{t→s}² = η² · (1 − ᾱ_s) / (1 − ᾱ_t) · (1 − ᾱ_t / ᾱ_s),
        x_s = √ᾱ_s x̂_0 + √(1 − ᾱ_s − σ_{t→s}²) ε̂ + σ_{t→s} z。
    η = 0 是确定性的 DDIM;η = 1 且 s = t − 1（离散调度）时就是 DDPM 取 Σ_t = β̃_t 的祖先一步。

    参数：
        x_t: 形状 (B, …) 的当前样本。
        eps: 与 x_t 同形状的噪声预测 ε̂。
        abar_t, abar_s: ᾱ_t 与 ᾱ_s，float 或形状 (B,) 的张量（逐样本，要变形成 (B, 1, …) 再广播）。
        eta: η ≥ 0。
        noise: 与 x_t 同形状的标准高斯 z;η > 0 时必须给出（否则抛出 ``ValueError``），η = 0 时忽略。

    返回：
        与 x_t 同形状、同 dtype 的 x_s。

    可用的 PyTorch 函数：``torch.as_tensor``、``torch.Tensor.reshape``、``torch.sqrt``、
    ``torch.clamp``（1 − ᾱ_s − σ² 在舍入下可能略小于 0）。
    """
    raise NotImplementedError("练习 ddim-step")
# ANCHOR_END: ddim_step


# ANCHOR: ddim_sample
def ddim_sample(
    model: Model,
    x: Tensor,
    ts: Tensor,
    schedule: VPSchedule,
    eta: float = 0.0,
    generator: torch.Generator | None = None,
) -> Tensor:
    """DDIM 采样：沿时间网格 ts 逐段调用 ``ddim_step``，NFE = N = len(ts) − 1。

    第 i 段（i = 0, …, N − 1）：t = ts[i]、s = ts[i + 1]，ε̂ = model(x, t 扩成形状 (B,))，
    ᾱ_t = a_t²、ᾱ_s = a_s² 由 ``schedule.alpha`` 算出；η > 0 时 z 用
    ``torch.randn(x.shape, generator=generator, dtype=x.dtype)`` 抽取（每段一次，按段的先后顺序）。

    参数：
        model: 噪声预测网络 ``model(x, t)``。
        x: 形状 (B, d)、时刻 ts[0] 的起点（通常是 N(0, I) 噪声）。
        ts: 形状 (N + 1,) 的递减时间网格（``time_grid``）。
        schedule: ``VPSchedule``。
        eta: η；0 为确定性 DDIM，1 为 DDPM 式的祖先采样（跳步版本）。
        generator: η > 0 时的随机数发生器。

    返回：
        时刻 ts[N] 的样本，形状、dtype 同 x。

    可用的 PyTorch 函数：``torch.no_grad``、``torch.full``、``torch.randn``（传 ``generator=``）。
    """
    raise NotImplementedError("练习 ddim-sample")
# ANCHOR_END: ddim_sample


# ANCHOR: time_grid
def time_grid(
    n: int,
    kind: str = "uniform",
    schedule: VPSchedule | None = None,
    t_max: float = 1.0,
    t_min: float = 1e-3,
    rho: float = 7.0,
) -> Tensor:
    """N = n 段的递减时间网格 ts[0] = t_max > ts[1] > … > ts[n] = t_min（形状 (n + 1,)、float64）。

    三种网格：
        ``"uniform"``：在 t 上均匀，ts[i] = t_max + (i / n)(t_min − t_max)；
        ``"logsnr"``：在 λ_t 上均匀，λ_i = λ(t_max) + (i / n)(λ(t_min) − λ(t_max))，再用
            ``schedule.t_from_lam`` 换回 t；
        ``"edm"``：Karras 等（2022）的 ρ 网格，在 σ̄ = σ_t / a_t = e^{−λ_t / 2} 上取
            σ̄_i = ( σ̄_max^{1/ρ} + (i / n)(σ̄_min^{1/ρ} − σ̄_max^{1/ρ}) )^ρ，
            再由 λ_i = −2 log σ̄_i 换回 t。
    两个端点要精确等于 t_max、t_min（换算会有舍入，直接赋值）。

    参数：
        n: 段数 N ≥ 1。
        kind: ``"uniform"``、``"logsnr"`` 或 ``"edm"``；其他值抛出 ``ValueError``。
        schedule: ``VPSchedule``，None 表示默认调度。
        t_max, t_min: 端点，0 < t_min < t_max ≤ 1。
        rho: EDM 网格的 ρ。

    可用的 PyTorch 函数：``torch.linspace``（``dtype=torch.float64``）、``torch.log``、``torch.exp``。
    """
    raise NotImplementedError("练习 time-grid")
# ANCHOR_END: time_grid


# ANCHOR: dpm_solver_sample
def dpm_solver_sample(model: Model, x: Tensor, ts: Tensor, schedule: VPSchedule, order: int = 2) -> Tensor:
    """单步（singlestep）DPM-Solver-1/2/3（Lu 等，2022）：每段 [ts[i], ts[i+1]] 用 ``order`` 次网络调用。

    记 s = ts[i]、t = ts[i + 1]、ℓ = λ / 2 = log(a / σ)、h = ℓ_t − ℓ_s > 0、ε_s = model(x, s)。
        order = 1（即 DDIM）：x_t = (a_t / a_s) x − σ_t (e^h − 1) ε_s。
        order = 2(r₁ = ½)：s₁ = t(ℓ_s + r₁h)，
            u = (a_{s₁} / a_s) x − σ_{s₁} (e^{r₁h} − 1) ε_s，
            x_t = (a_t / a_s) x − σ_t (e^h − 1) ε_s − σ_t / (2r₁) · (e^h − 1) · (model(u, s₁) − ε_s)。
        order = 3(r₁ = ⅓,r₂ = ⅔)：s_j = t(ℓ_s + r_j h)，
            u₁ = (a_{s₁} / a_s) x − σ_{s₁} (e^{r₁h} − 1) ε_s,D₁ = model(u₁, s₁) − ε_s，
            u₂ = (a_{s₂} / a_s) x − σ_{s₂} (e^{r₂h} − 1) ε_s − σ_{s₂} (r₂ / r₁) ((e^{r₂h} − 1) / (r₂h) − 1) D₁，
            D₂ = model(u₂, s₂) − ε_s，
            x_t = (a_t / a_s) x − σ_t (e^h − 1) ε_s − (σ_t / r₂) ((e^h − 1) / h − 1) D₂。
    这里 t(ℓ) 是 ``schedule.t_from_lam(2ℓ)``；时间传给 model 前扩成形状 (B,)。

    参数：
        model, x, ts, schedule: 同 ``ddim_sample``。
        order: 1、2 或 3；其他值抛出 ``ValueError``。

    返回：
        时刻 ts[N] 的样本；总 NFE = order · N。

    可用的 PyTorch 函数：``torch.no_grad``、``torch.full``、``torch.expm1``（e^h − 1 在 h 小时更准）。
    """
    raise NotImplementedError("练习 dpm-solver")
# ANCHOR_END: dpm_solver_sample


# ANCHOR: dpm_solver_pp_2m
def dpm_solver_pp_2m(model: Model, x: Tensor, ts: Tensor, schedule: VPSchedule) -> Tensor:
    """二阶多步 DPM-Solver++(2M)（Lu 等，2022b）：用数据预测 x̂_0，每段只调用一次网络，NFE = N。

    数据预测 D_i = x̂_0(x_i, t_i) = (x_i − σ_{t_i} ε̂(x_i, t_i)) / a_{t_i}；h_i = ℓ_{t_i} − ℓ_{t_{i−1}}。
        第 1 段（一阶）：x_1 = (σ_{t_1} / σ_{t_0}) x_0 − a_{t_1} (e^{−h_1} − 1) D_0。
        第 i ≥ 2 段：r_i = h_{i−1} / h_i,D = (1 + 1 / (2 r_i)) D_{i−1} − 1 / (2 r_i) · D_{i−2}，
            x_i = (σ_{t_i} / σ_{t_{i−1}}) x_{i−1} − a_{t_i} (e^{−h_i} − 1) D。
    只在每段开头调用一次网络，并保存上一段的 D。

    参数：
        model, x, ts, schedule: 同 ``ddim_sample``。

    返回：
        时刻 ts[N] 的样本，形状、dtype 同 x。

    可用的 PyTorch 函数：``torch.no_grad``、``torch.full``、``torch.expm1``。
    """
    raise NotImplementedError("练习 dpm-solver-pp")
# ANCHOR_END: dpm_solver_pp_2m


# ANCHOR: heun_sample
def heun_sample(model: Model, x: Tensor, ts: Tensor, schedule: VPSchedule) -> Tensor:
    """EDM 的 Heun 二阶方法（Karras 等，2022，算法 1）用于概率流 ODE,NFE = 2N。

    在缩放变量 x̄ = x / a_t、σ̄ = σ_t / a_t 下，概率流 ODE 是 dx̄ / dσ̄ = ε̂(a_t x̄, t)。第 i 段
    (t = ts[i] → t' = ts[i + 1],Δ = σ̄_{t'} − σ̄_t < 0)：
        d = ε̂(a_t x̄, t),x̄' = x̄ + Δ d（这一步就是 DDIM），
        d' = ε̂(a_{t'} x̄', t'),x̄ ← x̄ + Δ (d + d') / 2。
    最后返回 a_{ts[N]} x̄。（网格终点 t_min > 0，所以每段都做校正；EDM 在 σ̄ = 0 的最后一段只做 Euler。）

    参数：
        model, x, ts, schedule: 同 ``ddim_sample``。

    返回：
        时刻 ts[N] 的样本，形状、dtype 同 x。

    可用的 PyTorch 函数：``torch.no_grad``、``torch.full``。
    """
    raise NotImplementedError("练习 heun-sampler")
# ANCHOR_END: heun_sample
