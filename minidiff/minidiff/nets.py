"""去噪网络（第 3.5 节；第 2 章的 U-Net 与 ViT 以后加到这里）。

玩具数据上的网络只需要两样东西：把整数步数 t 变成向量的时间嵌入，和一个以（x_t, 嵌入）为输入的
多层感知机。
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["SinusoidalTimeEmbedding", "MLPDenoiser"]


# ANCHOR: SinusoidalTimeEmbedding
class SinusoidalTimeEmbedding(nn.Module):
    """正弦时间嵌入（Vaswani et al., 2017 的位置编码；Ho et al., 2020 用于步数 t）。

    公式：记 h = dim / 2，频率 ω_k = max_period^(−k / (h − 1)),k = 0, …, h − 1
    （ω_0 = 1,ω_{h−1} = 1 / max_period；这是 DDPM 代码的约定），则
        emb(t) = [ sin(t ω_0), …, sin(t ω_{h−1}), cos(t ω_0), …, cos(t ω_{h−1}) ]
    （先 h 个正弦，再 h 个余弦）。t 直接取整数步数 1, …, T（转成浮点），不做归一化。
    于是 t = 0 时输出 h 个 0 接 h 个 1，且每一行的平方和都等于 h。
    这个模块没有可学习参数；频率可以在 ``__init__`` 里算好，用 ``register_buffer`` 保存，
    这样它会随模块一起移动到 GPU。

    参数(``__init__``):
        dim: 嵌入维数 D，必须是 ≥ 4 的偶数(h − 1 ≥ 1)，否则抛出 ``ValueError``。
        max_period: 最低频率对应的周期尺度（DDPM 取 10000）。

    ``forward(t)``:
        t: 形状 (B,) 的步数（整数或浮点）。
        返回形状 (B, dim) 的 float32 张量。

    可用的 PyTorch 函数：``torch.arange``、``torch.exp``、``torch.outer``（或广播）、``torch.sin``、
    ``torch.cos``、``torch.cat``、``torch.Tensor.float``、``torch.nn.Module.register_buffer``。
    """

    def __init__(self, dim: int, max_period: float = 10000.0) -> None:
        super().__init__()
        raise NotImplementedError("练习 time-embedding")

    def forward(self, t: Tensor) -> Tensor:
        raise NotImplementedError("练习 time-embedding")
# ANCHOR_END: SinusoidalTimeEmbedding


# ANCHOR: MLPDenoiser
class MLPDenoiser(nn.Module):
    """玩具数据上的去噪网络：输入 x_t 与步数 t，输出与 x_t 同形状的预测（ε、x_0 或 v，由训练目标决定）。

    建议结构（书中 3.5 节练习的结构；记 H = ``hidden``,D = ``time_dim``,d = ``data_dim``）：
        时间特征：SinusoidalTimeEmbedding(D)(t) → Linear(D, H) → SiLU → Linear(H, H);
        输入特征：Linear(d, H)(x_t);
        两者逐元素相加，再经过 ``depth`` 个「Linear(H, H) → SiLU」块，最后 Linear(H, d) 输出
        （输出层后不加激活，噪声可正可负）。
    按这个结构，默认参数(d = 2,D = 128,H = 128,depth = 3)共有 83,202 个参数。也可以把时间
    特征在每个隐藏块前都加一次，或把嵌入与 x_t 拼接后送进普通的 MLP；只要输出形状正确、输出依赖于 t
    即可（测试只检查这些）。

    参数(``__init__``):
        data_dim: 数据维数 d（二维点为 2;8×8 图像展平后为 64）。
        hidden: 隐藏层宽度 H。
        depth: 隐藏块的个数(≥ 1)。
        time_dim: 时间嵌入维数 D（≥ 4 的偶数）。

    ``forward(x, t)``:
        x: 形状 (B, data_dim) 的 x_t。
        t: 形状 (B,) 的整数步数。
        返回形状 (B, data_dim) 的张量。

    可用的 PyTorch 函数：``torch.nn.Linear``、``torch.nn.SiLU``、``torch.nn.Sequential``、
    ``torch.nn.ModuleList``。
    """

    def __init__(self, data_dim: int = 2, hidden: int = 128, depth: int = 3, time_dim: int = 128) -> None:
        super().__init__()
        raise NotImplementedError("练习 mlp-denoiser")

    def forward(self, x: Tensor, t: Tensor) -> Tensor:
        raise NotImplementedError("练习 mlp-denoiser")
# ANCHOR_END: MLPDenoiser
