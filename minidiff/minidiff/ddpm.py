"""去噪扩散概率模型 DDPM（第 3 章）：前向后验、变分下界的各项、参数化之间的换算、简化损失、
训练一步、祖先采样。

约定与 ``minidiff.forward`` 相同：``t`` 是形状 (B,) 的整数张量，取值 1, …, T；长度为 T 的逐步
张量在下标 t − 1 处存放第 t 步的值；约定 ᾱ_0 = 1。数据 ``x`` 形状 (B, …)，逐样本的系数要变形成
(B, 1, …, 1) 再与 x 广播，并转换成 x 的 dtype。

网络 ``model`` 是任何可调用对象 ``model(x_t, t) -> Tensor``：输入形状 (B, …) 的 x_t 与形状 (B,) 的
整数步数，输出与 x_t 同形状的预测。预测什么由 ``prediction`` 指定：

- ``"eps"``：噪声 ε;
- ``"x0"``：干净数据 x_0;
- ``"v"``:v = √ᾱ_t ε − √(1 − ᾱ_t) x_0(Salimans & Ho, 2022)。
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from minidiff.ema import EMA

__all__ = [
    "posterior_mean_variance",
    "gaussian_kl",
    "convert_prediction",
    "loss_simple",
    "train_step",
    "ancestral_sample",
    "discretized_gaussian_log_likelihood",
    "vlb_terms",
]

Model = Callable[[Tensor, Tensor], Tensor]


# ANCHOR: posterior_mean_variance
def posterior_mean_variance(x0: Tensor, x_t: Tensor, t: Tensor, betas: Tensor) -> tuple[Tensor, Tensor]:
    """前向后验 q(x_{t−1} | x_t, x_0) = N( μ̃_t(x_t, x_0), β̃_t I ) 的均值与方差。

    公式(α_t = 1 − β_t,ᾱ_0 = 1):
        μ̃_t = √ᾱ_{t−1} β_t / (1 − ᾱ_t) · x_0 + √α_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · x_t
        β̃_t = (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · β_t
    t = 1 时 β̃_1 = 0,μ̃_1 = x_0。例如线性调度(T = 1000)t = 2 时两个系数为 0.545291 与
    0.454708,β̃_2 = 5.45319 × 10⁻⁵。

    参数：
        x0: 形状 (B, …) 的 x_0(或网络给出的估计 x̂_0)。
        x_t: 与 ``x0`` 同形状的 x_t。
        t: 形状 (B,) 的整数步数，取值 1, …, T。
        betas: 形状 (T,) 的 β_1, …, β_T。

    返回：
        ``(mean, variance)``:mean 与 ``x0`` 同形状；variance 形状 (B, 1, …, 1)（维数与 x0 相同，
        可直接与 x 广播）。两者 dtype 都与 ``x0`` 相同。

    可用的 PyTorch 函数：``torch.cumprod``、``torch.cat``（在 ᾱ 前面接上 ᾱ_0 = 1，得到 ᾱ_{t−1}）、
    按下标取值、``torch.Tensor.view``、``torch.sqrt``。
    """
    raise NotImplementedError("练习 posterior-mean-var")
# ANCHOR_END: posterior_mean_variance


# ANCHOR: gaussian_kl
def gaussian_kl(mean1: Tensor, log_var1: Tensor, mean2: Tensor, log_var2: Tensor) -> Tensor:
    """两个一维高斯之间的 KL 散度 KL( N(μ₁, s₁²) ‖ N(μ₂, s₂²) )，逐元素计算，单位 nats。

    方差以**对数方差** ℓ = log s² 传入（书中 3.3 节的约定）：
        KL = ½ ( ℓ₂ − ℓ₁ + exp(ℓ₁ − ℓ₂) + (μ₁ − μ₂)² · exp(−ℓ₂) − 1 ),
    即 (3.3c) 的 ½ ( log(s₂²/s₁²) + (s₁² + (μ₁ − μ₂)²) / s₂² − 1 )。先算差 ℓ₁ − ℓ₂ 再取指数，
    不要分别取指数再相除。对角协方差的多维高斯之间的 KL 就是各维结果之和（由调用者求和）。
    手上是方差 v 时传 ``torch.log(v)``;v = 1 − ᾱ 这类接近 1 的量用 ``torch.log1p(-alpha_bar)``。

    参数：
        mean1, log_var1, mean2, log_var2: 可以互相广播的张量（或零维张量）。

    返回：
        广播后形状的逐元素 KL（非负；两个分布相同时为 0）。例如
        KL( N(1, 0.5) ‖ N(0, 1) ) = 0.596574,KL( N(0, 1) ‖ N(1, 0.5) ) = 1.153426。

    可用的 PyTorch 函数：``torch.exp``、``torch.square``；只用逐元素运算，广播自动完成。
    """
    raise NotImplementedError("练习 gaussian-kl")
# ANCHOR_END: gaussian_kl


# ANCHOR: convert_prediction
def convert_prediction(
    pred: Tensor, x_t: Tensor, t: Tensor, alpha_bar: Tensor, source: str, target: str
) -> Tensor:
    """在 ε、x_0、v 三种预测目标之间换算（给定 x_t 与 t 时三者一一对应）。

    记 a = √ᾱ_t,σ = √(1 − ᾱ_t)(a² + σ² = 1),x_t = a x_0 + σ ε,v = a ε − σ x_0。则
        由 ε:x_0 = (x_t − σ ε) / a
        由 x_0:ε = (x_t − a x_0) / σ
        由 v:x_0 = a x_t − σ v,ε = σ x_t + a v
    其余方向由这几个式子组合得到；``source == target`` 时原样返回。

    参数：
        pred: 形状 (B, …) 的预测，类型由 ``source`` 指定。
        x_t: 与 ``pred`` 同形状的 x_t。
        t: 形状 (B,) 的整数步数，取值 1, …, T。
        alpha_bar: 形状 (T,) 的 ᾱ_1, …, ᾱ_T。
        source, target: 取 ``"eps"``、``"x0"``、``"v"`` 之一；其它值抛出 ``ValueError``。

    返回：
        与 ``pred`` 同形状、同 dtype 的换算结果。

    可用的 PyTorch 函数：按下标取值 ``alpha_bar[t - 1]``、``torch.Tensor.view``、``torch.sqrt``。
    """
    raise NotImplementedError("练习 param-convert")
# ANCHOR_END: convert_prediction


# ANCHOR: loss_simple
def loss_simple(
    model: Model,
    x0: Tensor,
    alpha_bar: Tensor,
    t: Tensor | None = None,
    noise: Tensor | None = None,
    prediction: str = "eps",
) -> Tensor:
    """DDPM 的简化损失 L_simple(Ho et al., 2020)：对均匀抽取的 t 做不加权的均方误差。

    步骤：t ~ Uniform{1, …, T}（未给出时），ε ~ N(0, I)（未给出时），x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε
    （用 ``minidiff.forward.q_sample``），网络输出 model(x_t, t) 与目标求均方误差；目标按
    ``prediction`` 是 ε、x_0 或 v = √ᾱ_t ε − √(1 − ᾱ_t) x_0。

    参数：
        model: 网络，``model(x_t, t)`` 返回与 x_t 同形状的张量。
        x0: 形状 (B, …) 的一批干净数据。
        alpha_bar: 形状 (T,) 的 ᾱ_1, …, ᾱ_T。
        t: 可选，形状 (B,) 的整数步数；为 None 时在 1, …, T 上均匀抽取。
        noise: 可选，与 ``x0`` 同形状的 ε；为 None 时用 ``torch.randn_like(x0)``。
        prediction: ``"eps"``、``"x0"`` 或 ``"v"``。

    返回：
        标量张量：对批内所有元素取平均的平方误差（可以对它调用 ``backward()``）。

    可用的 PyTorch 函数：``torch.randint``（上界不含，所以写 ``T + 1``）、``torch.randn_like``、
    ``torch.nn.functional.mse_loss``。
    """
    raise NotImplementedError("练习 loss-simple")
# ANCHOR_END: loss_simple


# ANCHOR: train_step
def train_step(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    x0: Tensor,
    alpha_bar: Tensor,
    ema: EMA | None = None,
    prediction: str = "eps",
    max_grad_norm: float | None = None,
) -> float:
    """训练一步：在一批数据上计算 L_simple，反向传播，（可选）裁剪梯度，更新参数，（可选）更新 EMA。

    步骤：清零梯度 → ``loss_simple`` → ``backward()`` → 若给了 ``max_grad_norm`` 则把全部梯度的
    总范数裁剪到它以内 → ``optimizer.step()`` → 若给了 ``ema`` 则 ``ema.update(model)``。

    参数：
        model: 要训练的网络（``torch.nn.Module``，调用方式 ``model(x_t, t)``）。
        optimizer: 管理 ``model`` 参数的优化器，例如 ``torch.optim.Adam``。
        x0: 形状 (B, …) 的一批干净数据。
        alpha_bar: 形状 (T,) 的 ᾱ_1, …, ᾱ_T。
        ema: 可选的 ``minidiff.ema.EMA``。
        prediction: 传给 ``loss_simple``。
        max_grad_norm: 可选的梯度范数上限。

    返回：
        这一步的损失值(Python float)。

    可用的 PyTorch 函数：``torch.optim.Optimizer.zero_grad``、``torch.Tensor.backward``、
    ``torch.nn.utils.clip_grad_norm_``、``torch.optim.Optimizer.step``、``torch.Tensor.item``。
    """
    raise NotImplementedError("练习 ddpm-train-step")
# ANCHOR_END: train_step


# ANCHOR: ancestral_sample
def ancestral_sample(
    model: Model,
    shape: Sequence[int],
    betas: Tensor,
    prediction: str = "eps",
    variance: str = "beta",
    clip_x0: float | None = None,
    generator: torch.Generator | None = None,
    device: torch.device | str = "cpu",
    record_every: int | None = None,
) -> Tensor | tuple[Tensor, dict[int, Tensor]]:
    """DDPM 的祖先采样（算法 2）：从 x_T ~ N(0, I) 出发，依次从 p_θ(x_{t−1} | x_t) 抽样到 x_0。

    每一步(t = T, T − 1, …, 1):
        1. 用网络输出求 x̂_0 = x̂_θ(x_t, t)(``convert_prediction``)；若给了 ``clip_x0``，把 x̂_0
           裁剪到 [−clip_x0, clip_x0];
        2. 均值取前向后验的均值 μ_θ = μ̃_t(x_t, x̂_0)(``posterior_mean_variance``);
           对 ε 预测且不裁剪时，这等价于 μ_θ = ( x_t − β_t / √(1 − ᾱ_t) · ε̂ ) / √α_t;
        3. t > 1 时 x_{t−1} = μ_θ + σ_t z,z ~ N(0, I);t = 1 时直接输出 μ_θ，不加噪声。
    方差 σ_t² 取 β_t(``variance="beta"``)或 β̃_t(``variance="beta_tilde"``，需要 ᾱ_0 = 1)。

    参数：
        model: 网络，``model(x_t, t)``；t 是形状 (B,)、dtype 为 ``torch.long``、取值 1, …, T 的张量。
            若它是 ``torch.nn.Module``，先调用 ``eval()``。
        shape: 样本形状 (B, …)，例如二维玩具数据的 (n, 2)。
        betas: 形状 (T,) 的 β_1, …, β_T。
        prediction: 网络预测的量：``"eps"``、``"x0"`` 或 ``"v"``。
        variance: ``"beta"`` 或 ``"beta_tilde"``。
        clip_x0: 可选；图像数据常取 1.0。
        generator: 随机数发生器，x_T 和每一步的 z 都从它取（与 ``device`` 在同一设备上）。
        device: 样本所在设备。
        record_every: 可选的正整数 k。给出时同时记录中间状态：t = T 以及所有是 k 的倍数的
            t（含 t = 0）处的 x_t，例如 T = 1000、k = 250 时记录 t = 1000、750、500、250、0。

    返回：
        形状 ``shape`` 的 float32 样本 x_0；给了 ``record_every`` 时返回 ``(x0, trajectory)``,
        trajectory 是 {t: 形状 ``shape`` 的 x_t} 的字典。整个过程不需要梯度。

    可用的 PyTorch 函数：``torch.no_grad``、``torch.randn``（传 ``generator=``）、``torch.full``
    （构造步数张量）、``torch.clamp``、``torch.Tensor.clone``（记录中间状态）。
    """
    raise NotImplementedError("练习 ancestral-sampler")
# ANCHOR_END: ancestral_sample


# ANCHOR: discretized_gaussian_log_likelihood
def discretized_gaussian_log_likelihood(x0: Tensor, mean: Tensor, log_var: Tensor, num_bins: int = 256) -> Tensor:
    """离散化高斯解码器的对数似然 log p(x_0 | x_1)（Ho et al., 2020 第 3.3 节），逐元素，单位 nats。

    数据取 [−1, 1] 上 ``num_bins`` 个等间距格点之一：8 位图像是 256 个格点 {2k/255 − 1};
    ``minidiff.data.digits_8x8`` 是 17 个格点 {k/8 − 1}(``num_bins=17``)。记半格宽
    δ = 1 / (num_bins − 1)（256 个格点时 δ = 1/255），s = exp(ℓ/2) 为标准差，Φ 为标准正态分布函数，则
        p(x_0) = Φ( (x_0 + δ − μ) / s ) − Φ( (x_0 − δ − μ) / s ),
    但最左格点 x_0 = −1 的下界换成 −∞（概率为 Φ((−1 + δ − μ)/s)），最右格点 x_0 = 1 的上界换成 +∞
    （概率为 1 − Φ((1 − δ − μ)/s)）。这样所有格点的概率之和恰为 1。判断端点时留一点容差
    （例如 x_0 < −1 + δ/2），取对数前把概率下限钳在 1e−12。

    参数：
        x0: 形状 (B, …) 的数据，取值在上面的格点上。
        mean: 与 ``x0`` 可广播的均值 μ。
        log_var: 与 ``x0`` 可广播的对数方差 ℓ = log s²（例如 ``torch.log(beta_1)``）。
        num_bins: 格点数。

    返回：
        与 ``x0`` 同形状的 log p(x_0)(≤ 0)。例如 256 个格点、μ 恰在一个内部格点上、s = 0.01 时，
        该格点的概率为 erf( (1/255) / (0.01 √2) ) ≈ 0.305。

    可用的 PyTorch 函数：``torch.exp``、``torch.special.ndtr``(Φ)、``torch.special.erf``、
    ``torch.where``（处理两端）、``torch.clamp``、``torch.log``。
    """
    raise NotImplementedError("练习 discrete-decoder")
# ANCHOR_END: discretized_gaussian_log_likelihood


# ANCHOR: vlb_terms
def vlb_terms(
    model: Model,
    x0: Tensor,
    betas: Tensor,
    prediction: str = "eps",
    variance: str = "beta",
    num_bins: int | None = None,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    """变分下界的逐项计算，对每个样本分别计算，单位 nats/维（对数据的所有维度取平均）。

    负对数似然的上界 −log p_θ(x_0) ≤ L_0 + L_1 + … + L_{T−1} + L_T，其中
        L_0     = −log p_θ(x_0 | x_1),x_1 ~ q(x_1 | x_0)；解码器 p_θ(x_0 | x_1) 的均值为 μ_θ(x_1, 1),
                  方差取 β_1(β̃_1 = 0 不能用)。``num_bins`` 为 None 时用连续高斯密度
                  −log N(x_0; μ_θ, β_1) = ½ [ (x_0 − μ_θ)² / β_1 + log(2π β_1) ]（连续数据，L_0 可以为负），
                  否则用 ``discretized_gaussian_log_likelihood``;
        L_{t−1} = KL( q(x_{t−1} | x_t, x_0) ‖ p_θ(x_{t−1} | x_t) ),t = 2, …, T,x_t ~ q(x_t | x_0);
                  用 ``gaussian_kl``,q 的均值与方差来自 ``posterior_mean_variance``,p_θ 的均值
                  μ_θ = μ̃_t(x_t, x̂_0)，方差 σ_t² 为 β_t 或 β̃_t(``variance``);
        L_T     = KL( q(x_T | x_0) ‖ N(0, I) ) = ``minidiff.forward.prior_kl`` / 维数。
    每个 t 用自己独立抽取的 x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε（不必模拟整条链；所有噪声都从
    ``generator`` 取）。上界 = 所有列之和 + L_T；再除以 log 2 就是 bits/dim。

    参数：
        model: 网络 ``model(x_t, t)``。
        x0: 形状 (B, …) 的数据。
        betas: 形状 (T,) 的 β_1, …, β_T。
        prediction: ``"eps"``、``"x0"`` 或 ``"v"``。
        variance: ``"beta"`` 或 ``"beta_tilde"``。
        num_bins: 离散数据的格点数；None 表示连续数据。
        generator: 随机数发生器。

    返回：
        ``(terms, prior)``:terms 形状 (B, T)，第 1 列（下标 0）是 L_0，第 t 列（下标 t − 1）是
        L_{t−1},t = 2, …, T;prior 形状 (B,)，是 L_T。两者 dtype 与 ``x0`` 相同。

    可用的 PyTorch 函数：``torch.no_grad``、``torch.randn``、``torch.full``、``torch.log``、
    ``torch.Tensor.flatten``、``torch.mean``、``torch.stack``。需要调用网络 T 次。
    """
    raise NotImplementedError("练习 nll-bound")
# ANCHOR_END: vlb_terms
