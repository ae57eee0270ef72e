"""基于分数的生成模型（第 4 章）：解析分数、分数匹配损失、朗之万采样器与噪声条件分数网络。

约定（与书中符号表一致）：数据是形状 (B, d) 的点；分数 s(x) ≈ ∇_x log p(x) 与 x 同形状。
噪声条件的网络写成 ``model(x, sigma)``，``sigma`` 是形状 (B,) 的噪声标准差（每个样本一个），
返回 ∇_x log p_σ(x) 的估计，p_σ 是数据加上 N(0, σ² I) 噪声之后的分布。噪声水平表
``sigmas`` 是 float64、从大到小排列的一维张量 σ_1 > σ_2 > … > σ_L。
朗之万的一步统一写成 x ← x + (ε/2) s(x) + √ε z,z ~ N(0, I)（Song 与 Ermon, 2019 的写法）。

已经实现好的：``gmm_log_prob``（高斯混合的对数密度，用作检验分数的标准答案）和
``geometric_sigmas``（几何噪声水平表）。
其余函数和类是练习。
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import Tensor, nn

__all__ = [
    "gmm_log_prob",
    "gmm_score",
    "geometric_sigmas",
    "dsm_loss",
    "sliced_sm_loss",
    "langevin",
    "mala",
    "annealed_langevin",
    "NoiseConditionalMLP",
]


def gmm_log_prob(x: Tensor, means: Tensor, stds: Tensor, weights: Tensor) -> Tensor:
    """各向同性高斯混合 p(x) = Σ_k π_k N(x; μ_k, s_k² I) 的对数密度（已实现；s_k 是分量标准差，
    σ 在本模块里留给所加噪声的标准差）。

    参数：
        x: 形状 (B, d) 的点。
        means: 形状 (K, d) 的分量中心 μ_k。
        stds: 形状 (K,) 的分量标准差 s_k。
        weights: 形状 (K,) 的非负权重（不必归一化，函数内部除以总和得到 π_k）。

    返回：
        形状 (B,) 的 float64 张量 log p(x)。用 ``torch.logsumexp`` 计算，远离所有分量时也不下溢。
    """
    x = x.double()
    means = means.double()
    stds = torch.as_tensor(stds, dtype=torch.float64)
    weights = torch.as_tensor(weights, dtype=torch.float64)
    d = x.shape[-1]
    sq = ((x[:, None, :] - means[None, :, :]) ** 2).sum(-1)
    log_normal = -0.5 * sq / stds**2 - d * torch.log(stds) - 0.5 * d * math.log(2 * math.pi)
    return torch.logsumexp(log_normal + torch.log(weights / weights.sum()), dim=1)


def geometric_sigmas(sigma_max: float, sigma_min: float, num_levels: int) -> Tensor:
    """NCSN 的几何噪声水平 σ_1 = sigma_max > … > σ_L = sigma_min（书中 4.4 节；已实现）。

    公式：σ_i = σ_max · (σ_min / σ_max)^((i − 1)/(L − 1)),i = 1, …, L，即 log σ 在两端之间等距，
    相邻两级之比恒为 (σ_min/σ_max)^(1/(L − 1))。``num_levels = 1`` 时只返回 [sigma_max]。

    返回：
        形状 (L,) 的 float64 张量，从大到小；首尾两项精确等于 sigma_max 与 sigma_min。
    """
    if num_levels == 1:
        return torch.tensor([float(sigma_max)], dtype=torch.float64)
    out = torch.exp(torch.linspace(math.log(sigma_max), math.log(sigma_min), num_levels, dtype=torch.float64))
    out[0], out[-1] = float(sigma_max), float(sigma_min)
    return out


# ANCHOR: gmm_score
def gmm_score(x: Tensor, means: Tensor, stds: Tensor, weights: Tensor) -> Tensor:
    """各向同性高斯混合的分数 ∇_x log p(x)，闭式（书中 4.1 节）。

    公式：记后验责任 r_k(x) = π_k N(x; μ_k, s_k² I) / Σ_j π_j N(x; μ_j, s_j² I)，则
        ∇_x log p(x) = Σ_k r_k(x) · ( −(x − μ_k) / s_k² ).
    责任 r_k 要在对数域里算：log r_k = log π_k − ‖x − μ_k‖² / (2s_k²) − d log s_k + 常数，再对 k
    做 softmax（常数 −(d/2) log 2π 在 softmax 里抵消）。直接算密度再相除，在离所有分量都很远的
    地方会得到 0/0。

    参数：
        x: 形状 (B, d) 的点（float32 或 float64）。
        means: 形状 (K, d)。
        stds: 形状 (K,) 的分量标准差 s_k。
        weights: 形状 (K,)，非负，不必归一化。

    返回：
        形状 (B, d)、dtype 与 ``x`` 相同的张量。内部建议用 float64 计算。

    可用的 PyTorch 函数：``torch.softmax``（或 ``torch.logsumexp``）、``torch.log``、广播、
    ``torch.Tensor.sum``、``torch.Tensor.to``。
    """
    raise NotImplementedError("练习 gmm-score")
# ANCHOR_END: gmm_score



# ANCHOR: dsm_loss
def dsm_loss(
    model: Callable[[Tensor, Tensor], Tensor],
    x0: Tensor,
    sigmas: Tensor,
    noise: Tensor | None = None,
    idx: Tensor | None = None,
    generator: torch.Generator | None = None,
) -> Tensor:
    """多噪声水平、权重 λ(σ) = σ² 的去噪分数匹配损失（NCSN 的目标，书中 4.2、4.4 节）。

    对每个样本 i：取噪声级下标 k_i（``idx`` 给定时用它，否则在 0, …, L − 1 上均匀抽），
    σ_i = sigmas[k_i]，z_i ~ N(0, I)（``noise`` 给定时用它），x̃_i = x0_i + σ_i z_i，然后
        loss = (1/B) Σ_i ½ ‖ σ_i · model(x̃_i, σ_i) + z_i ‖².
    这正是 σ² · ½‖s − ∇log q(x̃ | x0)‖²，因为条件分数 ∇log q(x̃ | x0) = −z/σ。

    参数：
        model: 可调用对象 ``model(x, sigma)``,x 形状 (B, d),sigma 形状 (B,)，返回 (B, d)。
        x0: 形状 (B, d) 的干净数据。
        sigmas: 形状 (L,) 的 float64 噪声水平表。
        noise: 可选，形状同 x0 的标准正态噪声 z。
        idx: 可选，形状 (B,) 的整数下标。
        generator: 随机数发生器（用于抽 idx 与 noise）。

    返回：
        标量张量（dtype 与 x0 相同），可以直接 ``backward()``。传给 model 的 sigma 要转成 x0 的 dtype。

    可用的 PyTorch 函数：``torch.randint``、``torch.randn``（都传 ``generator=``）、索引、
    ``torch.Tensor.view``、``torch.Tensor.sum``、``torch.Tensor.mean``。
    """
    raise NotImplementedError("练习 dsm-loss")
# ANCHOR_END: dsm_loss


# ANCHOR: sliced_sm_loss
def sliced_sm_loss(
    score_fn: Callable[[Tensor], Tensor],
    x: Tensor,
    num_projections: int = 1,
    generator: torch.Generator | None = None,
) -> Tensor:
    """切片分数匹配（sliced score matching）的损失（Song et al., 2019；书中 4.2 节）。

    公式：对随机方向 v ~ N(0, I)（每个样本、每次投影各抽一个），
        J(θ) = E_x E_v [ vᵀ ∇_x( vᵀ s(x) ) + ½ ( vᵀ s(x) )² ],
    第一项是 vᵀ (∂s/∂x) v，期望等于 Jacobian 的迹（Hutchinson 估计）。vᵀ ∇_x(vᵀ s) 用一次反向传播
    得到：先算标量 Σ_i v_iᵀ s(x_i)，对 x 求梯度（``create_graph=True``，这样损失还能对参数求导），
    再与 v 逐样本做内积。
    对 num_projections 个方向取平均，再对样本取平均。

    参数：
        score_fn: 可调用对象，x 形状 (B, d) → (B, d)。
        x: 形状 (B, d) 的数据（函数内部要 ``detach()`` 后 ``requires_grad_(True)``）。
        num_projections: 每个样本的随机方向个数 M。
        generator: 随机数发生器（抽 v）。

    返回：
        标量张量。对真分数，J = −½ E‖∇log p‖²（例如数据 N(0, 4 I),d = 3 时为 −3/8）。

    可用的 PyTorch 函数：``torch.randn``、``torch.autograd.grad``、``torch.Tensor.requires_grad_``、
    ``torch.Tensor.detach``、``torch.Tensor.sum``。
    """
    raise NotImplementedError("练习 sliced-sm-loss")
# ANCHOR_END: sliced_sm_loss


# ANCHOR: langevin
def langevin(
    score_fn: Callable[[Tensor], Tensor],
    x_init: Tensor,
    step_size: float,
    num_steps: int,
    generator: torch.Generator | None = None,
    return_trajectory: bool = False,
) -> Tensor:
    """未校正的朗之万算法（ULA，书中 4.3 节）。

    公式：x_{k+1} = x_k + (ε/2) s(x_k) + √ε z_k,z_k ~ N(0, I) 独立，ε = ``step_size``，共 num_steps 步。

    参数：
        score_fn: 可调用对象，x 形状 (B, d) → (B, d)。
        x_init: 形状 (B, d) 的初始点（不要原地修改它）。
        step_size: 步长 ε > 0。
        num_steps: 步数 K（≥ 0）。
        generator: 随机数发生器（抽 z）。
        return_trajectory: 为 True 时返回形状 (K + 1, B, d) 的整条轨迹（第 0 项是 x_init）。

    返回：
        形状 (B, d) 的终点（或整条轨迹）。噪声 z 的 dtype 与 x_init 相同。

    可用的 PyTorch 函数：``torch.randn``（传 ``generator=``、``dtype=``）、``torch.Tensor.clone``、
    ``torch.stack``。
    """
    raise NotImplementedError("练习 langevin")
# ANCHOR_END: langevin


# ANCHOR: mala
def mala(
    log_prob_fn: Callable[[Tensor], Tensor],
    score_fn: Callable[[Tensor], Tensor],
    x_init: Tensor,
    step_size: float,
    num_steps: int,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    """Metropolis 校正的朗之万算法（MALA，书中 4.3 节）。

    每一步：提议 y = x + (ε/2) s(x) + √ε z；提议密度 q(y | x) = N(y; x + (ε/2) s(x), ε I)；
        log a = log p(y) − log p(x) + log q(x | y) − log q(y | x),
    以概率 min(1, e^{log a}) 接受 y，否则留在 x（每个样本各自独立地接受或拒绝）。
    log q 里的归一化常数在比值中抵消，只需 −‖·‖² / (2ε)。

    参数：
        log_prob_fn: x 形状 (B, d) → 形状 (B,) 的 log p(x)（可以差一个常数）。
        score_fn: x → ∇log p(x)，形状 (B, d)。
        x_init: 形状 (B, d) 的初始点。
        step_size: 步长 ε。
        num_steps: 步数。
        generator: 随机数发生器（抽 z 和接受用的均匀数；先抽 z 再抽均匀数）。

    返回：
        ``(x, acceptance_rate)``:x 形状 (B, d)；acceptance_rate 是标量张量，所有步、所有样本的平均接受率。

    可用的 PyTorch 函数：``torch.randn``、``torch.rand``、``torch.log``、``torch.where``。
    """
    raise NotImplementedError("练习 mala")
# ANCHOR_END: mala


# ANCHOR: annealed_langevin
def annealed_langevin(
    model: Callable[[Tensor, Tensor], Tensor],
    x_init: Tensor,
    sigmas: Tensor,
    steps_per_level: int,
    eps: float,
    generator: torch.Generator | None = None,
    denoise: bool = True,
) -> Tensor:
    """退火朗之万动力学（Song 与 Ermon, 2019 的算法 1；书中 4.4 节）。

    对 i = 1, …, L（sigmas 从大到小）：步长 α_i = eps · σ_i² / σ_L²，在噪声水平 σ_i 上走
    steps_per_level 步 x ← x + (α_i/2) model(x, σ_i) + √α_i z。全部走完后，若 ``denoise`` 为 True，
    再做一步不加噪声的去噪 x ← x + σ_L² · model(x, σ_L)（Tweedie 公式，NCSNv2 的做法）。

    参数：
        model: ``model(x, sigma)``,sigma 形状 (B,)，每个样本同一个 σ_i（dtype 与 x 相同）。
        x_init: 形状 (B, d) 的初始点（通常取 N(0, σ_1² I) 或均匀分布）。
        sigmas: 形状 (L,) 的 float64 噪声水平表，从大到小。
        steps_per_level: 每一级的步数 T（可以是 0）。
        eps: 基准步长 ε（最后一级的步长）。
        generator: 随机数发生器。
        denoise: 是否在最后做一步去噪。

    返回：
        形状 (B, d) 的样本。

    可用的 PyTorch 函数：``torch.full``、``torch.randn``、``math.sqrt``。
    """
    raise NotImplementedError("练习 annealed-langevin")
# ANCHOR_END: annealed_langevin


# ANCHOR: NoiseConditionalMLP
class NoiseConditionalMLP(nn.Module):
    """玩具数据上的噪声条件分数网络 s_θ(x, σ)（书中 4.4 节）。

    结构（记 H = ``hidden``,d = ``data_dim``）：把 log σ 作为一个额外的输入坐标拼到 x 后面，
    [x, log σ]（形状 (B, d + 1)）→ Linear(d + 1, H) → SiLU → （depth − 1 个「Linear(H, H) → SiLU」）
    → Linear(H, d) 得到 h(x, σ)，输出 s_θ(x, σ) = h(x, σ) / σ。除以 σ 让网络只需输出量级为 1 的
    h ≈ −E[z | x̃]，这是 NCSNv2 的「技巧 3」在噪声条件网络上的对应（书中 4.4 节）。
    默认参数（d = 2,H = 128,depth = 3）共有 33,794 个参数。

    参数（``__init__``）：
        data_dim: 数据维数 d。
        hidden: 隐藏层宽度 H。
        depth: 隐藏层（带 SiLU 的线性层）个数，≥ 1。

    ``forward(x, sigma)``:
        x: 形状 (B, d)。
        sigma: 形状 (B,) 的噪声标准差（正数）。
        返回形状 (B, d) 的分数估计。

    可用的 PyTorch 函数：``torch.nn.Linear``、``torch.nn.SiLU``、``torch.nn.Sequential``、``torch.cat``、
    ``torch.log``。
    """

    def __init__(self, data_dim: int = 2, hidden: int = 128, depth: int = 3) -> None:
        super().__init__()
        raise NotImplementedError("练习 noise-conditional-mlp")

    def forward(self, x: Tensor, sigma: Tensor) -> Tensor:
        raise NotImplementedError("练习 noise-conditional-mlp")
# ANCHOR_END: NoiseConditionalMLP
