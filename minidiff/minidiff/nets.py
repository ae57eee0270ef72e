"""去噪网络(第 3.5 节;第 2 章的 U-Net 与 ViT 以后加到这里)。

玩具数据上的网络只需要两样东西:把整数步数 t 变成向量的时间嵌入,和一个以 (x_t, 嵌入) 为输入的
多层感知机。
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["SinusoidalTimeEmbedding", "MLPDenoiser"]


# ANCHOR: SinusoidalTimeEmbedding
class SinusoidalTimeEmbedding(nn.Module):
    """正弦时间嵌入(Vaswani et al., 2017 的位置编码;Ho et al., 2020 用于步数 t)。

    公式:记 h = dim / 2,频率 f_k = max_period^(−k / h),k = 0, …, h − 1,则
        emb(t) = [ cos(t f_0), …, cos(t f_{h−1}), sin(t f_0), …, sin(t f_{h−1}) ]
    (先 h 个余弦,再 h 个正弦)。t 直接取整数步数 1, …, T(转成浮点),不做归一化。
    这个模块没有可学习参数;频率可以在 ``__init__`` 里算好,用 ``register_buffer`` 保存,
    这样它会随模块一起移动到 GPU。

    参数(``__init__``):
        dim: 嵌入维数,必须是正偶数,否则抛出 ``ValueError``。
        max_period: 最低频率对应的周期尺度。

    ``forward(t)``:
        t: 形状 (B,) 的步数(整数或浮点)。
        返回形状 (B, dim) 的 float32 张量。

    可用的 PyTorch 函数:``torch.arange``、``torch.exp``、``torch.outer``(或广播)、``torch.cos``、
    ``torch.sin``、``torch.cat``、``torch.nn.Module.register_buffer``。
    """

    def __init__(self, dim: int, max_period: float = 10000.0) -> None:
        super().__init__()
        raise NotImplementedError("练习 time-embedding")

    def forward(self, t: Tensor) -> Tensor:
        raise NotImplementedError("练习 time-embedding")
# ANCHOR_END: SinusoidalTimeEmbedding


# ANCHOR: MLPDenoiser
class MLPDenoiser(nn.Module):
    """玩具数据上的去噪网络:输入 x_t 与步数 t,输出与 x_t 同形状的预测(ε、x_0 或 v,由训练目标决定)。

    建议结构:
        e = SinusoidalTimeEmbedding(time_dim)(t),再经过 Linear(time_dim, hidden) 与 SiLU;
        h = Linear(data_dim, hidden)(x_t) + 上面的时间特征;
        然后 depth 个「SiLU → Linear(hidden, hidden)」块(可以加残差连接 h = h + block(h));
        最后 SiLU → Linear(hidden, data_dim)。
    也可以把嵌入与 x_t 拼接后送进普通的 MLP;只要输出形状正确、输出依赖于 t 即可。

    参数(``__init__``):
        data_dim: 数据维数(二维点为 2;8×8 图像展平后为 64)。
        hidden: 隐藏层宽度。
        depth: 隐藏块的个数(≥ 1)。
        time_dim: 时间嵌入维数(偶数)。

    ``forward(x, t)``:
        x: 形状 (B, data_dim) 的 x_t。
        t: 形状 (B,) 的整数步数。
        返回形状 (B, data_dim) 的张量。

    可用的 PyTorch 函数:``torch.nn.Linear``、``torch.nn.SiLU``、``torch.nn.Sequential``、
    ``torch.nn.ModuleList``。
    """

    def __init__(self, data_dim: int = 2, hidden: int = 256, depth: int = 3, time_dim: int = 64) -> None:
        super().__init__()
        raise NotImplementedError("练习 mlp-denoiser")

    def forward(self, x: Tensor, t: Tensor) -> Tensor:
        raise NotImplementedError("练习 mlp-denoiser")
# ANCHOR_END: MLPDenoiser
