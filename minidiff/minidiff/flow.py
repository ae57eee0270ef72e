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
    "path_coefficients",
    "conditional_path",
    "cfm_loss",
    "empirical_marginal_velocity",
    "euler_ode_sample",
    "minibatch_ot_pairs",
    "reflow_pairs",
    "straightness",
    "convert_velocity",
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


# ANCHOR: path_coefficients
def path_coefficients(t: Tensor, path: str = "linear", sigma_min: float = 0.0) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """高斯概率路径 x_t = a_t x0 + σ_t x1 的系数及其对 t 的导数（练习 6.2 节）。

    公式：
        ``"linear"``：a_t = 1 − t，σ_t = σ_min + (1 − σ_min) t，a'_t = −1，σ'_t = 1 − σ_min；
        ``"cosine"``：a_t = cos(πt/2)，σ_t = sin(πt/2)，a'_t = −(π/2) sin(πt/2)，σ'_t = (π/2) cos(πt/2)。
    ``"cosine"`` 只接受 σ_min = 0；其他 ``path`` 值或 ``"cosine"`` 配非零 σ_min 抛出 ``ValueError``。

    参数：
        t: 任意形状的浮点时间，取值在 [0, 1]。
        path: ``"linear"`` 或 ``"cosine"``。
        sigma_min: 线性路径在 t = 0 处残留的噪声系数。

    返回：
        ``(a, sigma, da, dsigma)``，四个张量形状与 dtype 都与 ``t`` 相同（常数导数也要展开成这个形状）。
        例如 t = 0.25、``"linear"``、σ_min = 0.1 时为 (0.75, 0.325, −1, 0.9)。

    可用的 PyTorch 函数：``torch.cos``、``torch.sin``、``torch.full_like``、``torch.ones_like``。
    """
    raise NotImplementedError("练习 flow-path-coefficients")
# ANCHOR_END: path_coefficients


# ANCHOR: conditional_path
def conditional_path(
    x0: Tensor, x1: Tensor, t: Tensor, path: str = "linear", sigma_min: float = 0.0
) -> tuple[Tensor, Tensor]:
    """给定一对 (x0, x1)，返回路径上的点 x_t 与条件速度 u_t（练习 6.2 节）。

    公式（系数见 ``path_coefficients``）：
        x_t = a_t x0 + σ_t x1，  u_t = a'_t x0 + σ'_t x1。
    直线路径（σ_min = 0）时 x_t = (1 − t) x0 + t x1，u_t = x1 − x0，与 t 无关。

    参数：
        x0: 形状 (B, d) 的数据样本。
        x1: 形状 (B, d) 的源样本。
        t: 形状 (B,) 的时间。
        path, sigma_min: 同 ``path_coefficients``。

    返回：
        ``(x_t, u_t)``，形状都是 (B, d)，dtype 与 ``x0`` 相同。

    可用的 PyTorch 函数：``path_coefficients``、``torch.Tensor.view``（把 (B,) 变成 (B, 1) 以便广播）、
    ``torch.Tensor.to``。
    """
    raise NotImplementedError("练习 flow-conditional-path")
# ANCHOR_END: conditional_path


# ANCHOR: cfm_loss
def cfm_loss(
    model: Model,
    x0: Tensor,
    x1: Tensor | None = None,
    t: Tensor | None = None,
    path: str = "linear",
    sigma_min: float = 0.0,
    coupling: str = "independent",
) -> Tensor:
    """条件流匹配损失（练习 6.2 节；``coupling="ot"`` 见 6.3 节）。

    公式：t ~ U(0, 1)，x1 ~ N(0, I)（与 x0 独立），(x_t, u_t) 由 ``conditional_path`` 给出，
        L = mean_{b, i} ( model(x_t, t)_{b,i} − u_{t,b,i} )²，
    即对批次和维度都取平均的均方误差。``x1`` 或 ``t`` 给出时就用给定的值，不再抽样。
    ``coupling="ot"`` 时先用 ``minibatch_ot_pairs(x0, x1)`` 重排 x1（把 x1[perm] 配给 x0），再算损失；
    ``"independent"`` 时保持原配对。其他值抛出 ``ValueError``。

    参数：
        model: 速度场网络 ``model(x, t)``。
        x0: 形状 (B, d) 的一批数据。
        x1: 可选，形状 (B, d) 的源样本。
        t: 可选，形状 (B,) 的时间。
        path, sigma_min: 同 ``path_coefficients``。
        coupling: ``"independent"`` 或 ``"ot"``。

    返回：
        标量张量，可以直接调用 ``backward()``。

    可用的 PyTorch 函数：``torch.rand``、``torch.randn_like``、``conditional_path``、
    ``torch.nn.functional.mse_loss``。
    """
    raise NotImplementedError("练习 flow-cfm-loss")
# ANCHOR_END: cfm_loss


# ANCHOR: empirical_marginal_velocity
def empirical_marginal_velocity(
    x: Tensor, t: Tensor, data: Tensor, path: str = "linear", sigma_min: float = 0.0
) -> Tensor:
    """数据分布是有限点集 {y_1, …, y_N}（等权）、源分布是 N(0, I) 时的精确边缘速度场（练习 6.2 节）。

    公式：给定 y_j，x_t 服从 N(a_t y_j, σ_t² I)，对应的条件速度是
        u_t(x | y_j) = a'_t y_j + σ'_t (x − a_t y_j) / σ_t。
    边缘速度是它们按后验 p(y_j | x_t = x) 的加权平均：
        u_t(x) = Σ_j w_j(x) u_t(x | y_j)，  w_j(x) = softmax_j( −‖x − a_t y_j‖² / (2σ_t²) )。
    要求 σ_t > 0（σ_min = 0 时 t > 0）。

    参数：
        x: 形状 (B, d) 的查询点。
        t: 形状 (B,) 的时间。
        data: 形状 (N, d) 的数据点。
        path, sigma_min: 同 ``path_coefficients``。

    返回：
        形状 (B, d) 的速度，dtype 与 ``x`` 相同。N = 1 时就是条件速度 u_t(x | y_1)。

    可用的 PyTorch 函数：``path_coefficients``、``torch.cdist``（或展开平方）、``torch.softmax``
    （直接对 −距离² / (2σ²) 做 softmax，不要先求 exp，否则会下溢）、矩阵乘法 ``@``。
    """
    raise NotImplementedError("练习 flow-empirical-velocity")
# ANCHOR_END: empirical_marginal_velocity


# ANCHOR: euler_ode_sample
def euler_ode_sample(
    model: Model, x1: Tensor, steps: int = 100, return_trajectory: bool = False
) -> Tensor:
    """用 ``steps`` 步等距欧拉法把 dx/dt = model(x, t) 从 t = 1 积分到 t = 0（练习 6.2 节）。

    公式：h = 1 / steps，t_k = 1 − k h（k = 0, …, steps），
        x_{k+1} = x_k − h · model(x_k, t_k)，  k = 0, …, steps − 1。
    注意是减号：时间在减小。网络只在 t_0 = 1, …, t_{steps−1} = h 处被调用，从不在 t = 0 处调用。
    在 ``torch.no_grad()`` 下运行。

    参数：
        model: 速度场 ``model(x, t)``，t 形状 (B,)，每个元素都等于当前的 t_k。
        x1: 形状 (B, d) 的起点（t = 1 处的源样本）。
        steps: 欧拉步数（≥ 1）。
        return_trajectory: 为 True 时返回整条轨迹。

    返回：
        形状 (B, d) 的终点 x(t = 0)；``return_trajectory`` 时为形状 (steps + 1, B, d) 的
        [x_0, x_1, …, x_steps]（第 0 个是起点 x1，最后一个是终点）。

    可用的 PyTorch 函数：``torch.no_grad``、``torch.full``、``torch.stack``。
    """
    raise NotImplementedError("练习 flow-euler-sampler")
# ANCHOR_END: euler_ode_sample


# ANCHOR: minibatch_ot_pairs
def minibatch_ot_pairs(x0: Tensor, x1: Tensor) -> Tensor:
    """一个小批量内的精确最优传输配对（平方欧氏代价）（练习 6.3 节）。

    公式：在 B 个点的两个等权经验分布之间，最优传输方案是一个置换 π，
        π = argmin_π Σ_i ‖x0_i − x1_{π(i)}‖²。
    这是线性指派问题。推荐用 ``scipy.optimize.linear_sum_assignment``（SciPy ≥ 1.10，唯一的额外依赖：
    ``pip install "scipy>=1.10"``）在代价矩阵上求解；B ≤ 8 时也可以枚举全部置换。

    参数：
        x0: 形状 (B, d) 的数据样本。
        x1: 形状 (B, d) 的源样本。

    返回：
        形状 (B,) 的 int64 置换 ``perm``：x0[i] 与 x1[perm[i]] 配成一对，使总代价最小。

    可用的 PyTorch 函数：``torch.cdist``（平方后作代价矩阵）、``torch.Tensor.detach``、
    ``torch.Tensor.cpu``、``torch.Tensor.numpy``、``torch.as_tensor``、``torch.argsort``。
    """
    raise NotImplementedError("练习 flow-minibatch-ot")
# ANCHOR_END: minibatch_ot_pairs


# ANCHOR: reflow_pairs
def reflow_pairs(model: Model, x1: Tensor, steps: int = 100) -> tuple[Tensor, Tensor]:
    """再整流（reflow）的训练对：用已训练的流把源样本 x1 推到 t = 0，得到 (x̂0, x1)（练习 6.3 节）。

    公式：x̂0 = ODE 解 x(0)，其中 dx/dt = model(x, t)、x(1) = x1；用 ``euler_ode_sample`` 的
    ``steps`` 步欧拉法近似。新的训练对 (x̂0, x1) 在下一轮里代替独立配对。

    参数：
        model: 已训练的速度场。
        x1: 形状 (B, d) 的源样本。
        steps: 欧拉步数。

    返回：
        ``(x0_hat, x1)``：形状都是 (B, d)，不带梯度；x1 原样返回（同一个张量或其拷贝）。

    可用的 PyTorch 函数：``euler_ode_sample``、``torch.no_grad``、``torch.Tensor.detach``。
    """
    raise NotImplementedError("练习 flow-reflow-pairs")
# ANCHOR_END: reflow_pairs


# ANCHOR: straightness
def straightness(model: Model, x1: Tensor, steps: int = 100) -> Tensor:
    """轨迹直度 S（Liu et al., 2022 的定义，在欧拉网格上离散化）（练习 6.3 节）。

    公式：沿 ``euler_ode_sample`` 的轨迹（t_k = 1 − k h，h = 1 / steps），记 v_k = model(x_k, t_k)，
    端点位移 Δ = x1 − x̂0 = h Σ_k v_k（欧拉法下恰好等于速度的平均乘以 1），
        S = (1 / B) Σ_b  h Σ_k ‖Δ_b − v_{k,b}‖²。
    直线轨迹（速度沿轨迹不变）时 S = 0；S 越大轨迹越弯。

    参数：
        model: 速度场。
        x1: 形状 (B, d) 的源样本。
        steps: 欧拉步数。

    返回：
        标量张量（非负）。

    可用的 PyTorch 函数：``torch.no_grad``、``torch.stack``、``torch.Tensor.mean``、``torch.Tensor.sum``。
    """
    raise NotImplementedError("练习 flow-straightness")
# ANCHOR_END: straightness


# ANCHOR: convert_velocity
def convert_velocity(
    pred: Tensor,
    x_t: Tensor,
    t: Tensor,
    source: str,
    target: str,
    path: str = "linear",
    sigma_min: float = 0.0,
) -> Tensor:
    """高斯源（x1 = ε ~ N(0, I)）时，速度与第 3 章参数化之间的换算（练习 6.4 节）。

    记 x_t = a x0 + σ ε，u = a' x0 + σ' ε，D = a σ' − σ a'（两种路径下 D > 0）。五种量：
        ``"velocity"``：u；``"eps"``：ε；``"x0"``：x0；``"score"``：∇ log p_t = −ε / σ；
        ``"v"``：v = a ε − σ x0（Salimans & Ho, 2022）。
    任何一种都能先换成 (x̂0, ε̂)：
        由 u：x̂0 = (σ' x_t − σ u) / D，ε̂ = (a u − a' x_t) / D；
        由 ε：x̂0 = (x_t − σ ε) / a；由 x0：ε̂ = (x_t − a x0) / σ；由 score：ε̂ = −σ s；
        由 v：x̂0 = (a x_t − σ v) / (a² + σ²)，ε̂ = (σ x_t + a v) / (a² + σ²)。
    再组合出目标。``source``/``target`` 不在这五个之中时抛出 ``ValueError``。

    参数：
        pred: 形状 (B, d) 的源参数化下的预测。
        x_t: 形状 (B, d) 的当前点。
        t: 形状 (B,) 的时间，要求 0 < t < 1（端点处有的换算要除以零）。
        source, target: 上面五个名字之一。
        path, sigma_min: 同 ``path_coefficients``。

    返回：
        形状 (B, d)、dtype 与 ``pred`` 相同的目标参数化下的预测。

    可用的 PyTorch 函数：``path_coefficients``、``torch.Tensor.view``。
    """
    raise NotImplementedError("练习 flow-convert-velocity")
# ANCHOR_END: convert_velocity
