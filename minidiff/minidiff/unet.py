"""去噪网络的构件（第 2 章）：预条件、高斯最优去噪器、U-Net 与 ViT 的积木。

第 3 章的 ``minidiff.nets`` 里是玩具数据用的时间嵌入与多层感知机；这里放图像上的网络。
所有图像张量的形状都是 (B, C, H, W)，步数 t 与第 3 章相同，是取值 1, …, T 的整数张量，形状 (B,)。
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["edm_preconditioning", "gaussian_denoiser", "ResBlock", "SelfAttention2d", "TinyUNet",
           "GaussianFourierFeatures", "AdaLNZeroBlock", "patchify", "unpatchify", "sincos_pos_embed_2d",
           "TinyViTDenoiser"]


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


# ANCHOR: ResBlock
class ResBlock(nn.Module):
    """带时间条件的残差块（DDPM/ADM 式；书中 2.2.2 节与 2.3.3 节）。

    结构（按顺序；GN = ``GroupNorm(groups, ·)``）：
        h = Conv3×3(in_ch → out_ch)( SiLU( GN(x) ) )
        (scale, shift) = Linear(emb_dim → 2·out_ch)( SiLU(emb) ) 沿通道维一分为二
        h = GN(h) · (1 + scale) + shift            # 自适应 GroupNorm（缩放平移）
        h = Conv3×3(out_ch → out_ch)( Dropout( SiLU(h) ) )   # 这一层的权重和偏置初始化为零
        返回 skip(x) + h，其中 skip 在 in_ch == out_ch 时为恒等，否则为 Conv1×1(in_ch → out_ch)。
    两个 3×3 卷积都用 ``padding=1``，空间尺寸不变。因为最后一层卷积初始化为零，刚初始化的块
    在 in_ch == out_ch 时恰好是恒等映射。参数量为
        2·in_ch + (9·in_ch·out_ch + out_ch) + (2·emb_dim·out_ch + 2·out_ch) + 2·out_ch
        + (9·out_ch² + out_ch) + [in_ch ≠ out_ch 时再加 in_ch·out_ch + out_ch]，
    例如 ResBlock(16, 16, 64) 有 6,784 个参数。

    参数（``__init__``）：
        in_ch, out_ch: 输入、输出通道数（都须能被 ``groups`` 整除）。
        emb_dim: 条件向量的维数。
        groups: GroupNorm 的组数。
        dropout: Dropout 的概率。

    ``forward(x, emb)``:
        x: 形状 (B, in_ch, H, W)。
        emb: 形状 (B, emb_dim) 的条件向量（时间嵌入，或时间与类别嵌入之和）。
        返回形状 (B, out_ch, H, W) 的张量。

    可用的 PyTorch 函数：``torch.nn.GroupNorm``、``torch.nn.Conv2d``、``torch.nn.Linear``、
    ``torch.nn.Dropout``、``torch.nn.Identity``、``torch.nn.functional.silu``、
    ``torch.Tensor.chunk``、``torch.nn.init.zeros_``。
    """

    def __init__(self, in_ch: int, out_ch: int, emb_dim: int, groups: int = 8, dropout: float = 0.0) -> None:
        super().__init__()
        raise NotImplementedError("练习 resblock")

    def forward(self, x: Tensor, emb: Tensor) -> Tensor:
        raise NotImplementedError("练习 resblock")
# ANCHOR_END: ResBlock


# ANCHOR: SelfAttention2d
class SelfAttention2d(nn.Module):
    """特征图上的多头自注意力（带残差；书中 2.2.3 节）。

    把 (B, C, H, W) 的特征图看成 H·W 个长度为 C 的词元：
        q, k, v = Conv1×1(C → 3C)( GN(x) ) 沿通道维三等分，每份再分成 ``heads`` 个头，
                  每个头的维数 C / heads，排成 (B, heads, H·W, C / heads)；
        o = scaled_dot_product_attention(q, k, v)     # softmax(q kᵀ / sqrt(C / heads)) v
        返回 x + Conv1×1(C → C)（o 还原成 (B, C, H, W)），输出卷积的权重和偏置初始化为零。
    （q、k、v 的通道顺序：前 C 个通道是 q，中间 C 个是 k，最后 C 个是 v；每一份里第 h 个头
    占通道 h·C/heads … (h+1)·C/heads − 1。）初始化时整个模块是恒等映射；参数量
    2C + (3C² + 3C) + (C² + C)。

    参数（``__init__``）：
        ch: 通道数 C（须能被 ``heads`` 与 ``groups`` 整除，否则 ``heads`` 不整除时抛出 ``ValueError``）。
        heads: 头数。
        groups: GroupNorm 的组数。

    ``forward(x)``: x 形状 (B, C, H, W)，返回同形状的张量。

    可用的 PyTorch 函数：``torch.nn.GroupNorm``、``torch.nn.Conv2d``、
    ``torch.nn.functional.scaled_dot_product_attention``、``torch.Tensor.reshape``、
    ``torch.Tensor.transpose``、``torch.nn.init.zeros_``。
    """

    def __init__(self, ch: int, heads: int = 1, groups: int = 8) -> None:
        super().__init__()
        raise NotImplementedError("练习 attention2d")

    def forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError("练习 attention2d")
# ANCHOR_END: SelfAttention2d


# ANCHOR: TinyUNet
class TinyUNet(nn.Module):
    """两级分辨率的小型 U-Net 去噪器（书中 2.2 节；用于 8×8 与 16×16 的玩具数字）。

    记 c1 = base，c2 = 2·base，E = emb_dim，所有 ResBlock 的条件维数都是 E、组数都是 ``groups``。
    结构（按顺序）：
        时间：SinusoidalTimeEmbedding(base)(t) → Linear(base, E) → SiLU → Linear(E, E)，得到 emb；
        conv_in = Conv3×3(in_ch → c1)
        h0 = ResBlock(c1, c1)(conv_in(x), emb)                     # (B, c1, H, W)
        h1 = ResBlock(c1, c2)(Conv3×3 步长 2(c1 → c1)(h0), emb)      # (B, c2, H/2, W/2)
        h  = ResBlock(c2, c2) → SelfAttention2d(c2, heads) → ResBlock(c2, c2)，作用于 h1
        h  = ResBlock(2·c2, c2)(cat[h, h1], emb)                    # 跳跃连接沿通道维拼接
        h  = Upsample(×2, 最近邻) → Conv3×3(c2 → c2)，作用于 h       # (B, c2, H, W)
        h  = ResBlock(c2 + c1, c1)(cat[h, h0], emb)
        输出 = Conv3×3(c1 → in_ch)( SiLU( GroupNorm(groups, c1)(h) ) )，这层卷积初始化为零。
    所有 3×3 卷积 ``padding=1``。``skips=False`` 时去掉两处拼接（两个上行 ResBlock 的输入
    通道分别变为 c2 与 c2），用于研究跳跃连接的作用。H、W 须为偶数。
    默认参数（in_ch = 1，base = 16，E = 64，groups = 8，heads = 4）共 138,865 个参数
    （``skips=False`` 时 124,913 个）；刚初始化时输出恒为零。

    参数（``__init__``）：in_ch、base、emb_dim、groups、heads、skips，含义如上。

    ``forward(x, t)``:
        x: 形状 (B, in_ch, H, W) 的 x_t。
        t: 形状 (B,) 的整数步数（1, …, T）。
        返回形状 (B, in_ch, H, W) 的预测（ε、x_0 或 v，由训练目标决定）。

    依赖：``minidiff.nets.SinusoidalTimeEmbedding``（练习 time-embedding）、本模块的 ``ResBlock`` 与
    ``SelfAttention2d``。可用的 PyTorch 函数：``torch.nn.Conv2d``、``torch.nn.Upsample``、
    ``torch.cat``、``torch.nn.Sequential``、``torch.nn.GroupNorm``、``torch.nn.init.zeros_``。
    """

    def __init__(self, in_ch: int = 1, base: int = 16, emb_dim: int = 64, groups: int = 8, heads: int = 4,
                 skips: bool = True) -> None:
        super().__init__()
        raise NotImplementedError("练习 tiny-unet")

    def forward(self, x: Tensor, t: Tensor) -> Tensor:
        raise NotImplementedError("练习 tiny-unet")
# ANCHOR_END: TinyUNet


# ANCHOR: GaussianFourierFeatures
class GaussianFourierFeatures(nn.Module):
    """随机傅里叶特征（Tancik et al., 2020；Song et al., 2021 的 NCSN++ 用它嵌入噪声水平；书中 2.3.2 节）。

    初始化时抽取 h = dim / 2 个固定频率 w_k ~ N(0, scale²)（``torch.randn(h, generator=generator) * scale``），
    用 ``register_buffer`` 保存为名为 ``W`` 的缓冲区（不是可学习参数）。前向计算
        φ(s) = [ sin(2π w_1 s), …, sin(2π w_h s), cos(2π w_1 s), …, cos(2π w_h s) ]
    （先 h 个正弦，再 h 个余弦），于是每一行的平方和等于 h。

    参数（``__init__``）：
        dim: 输出维数（偶数，否则抛出 ``ValueError``）。
        scale: 频率的标准差 ς。
        generator: 抽取频率用的随机数发生器（可为 None）。

    ``forward(s)``:
        s: 形状 (B,) 的标量输入（例如 ln σ / 4），整数或浮点。
        返回形状 (B, dim) 的 float32 张量。

    可用的 PyTorch 函数：``torch.randn``、``torch.nn.Module.register_buffer``、``torch.sin``、``torch.cos``、
    ``torch.cat``。
    """

    def __init__(self, dim: int, scale: float = 16.0, generator: torch.Generator | None = None) -> None:
        super().__init__()
        raise NotImplementedError("练习 fourier-features")

    def forward(self, s: Tensor) -> Tensor:
        raise NotImplementedError("练习 fourier-features")
# ANCHOR_END: GaussianFourierFeatures


# ANCHOR: AdaLNZeroBlock
class AdaLNZeroBlock(nn.Module):
    """带 adaLN-Zero 条件的 Transformer 块（DiT, Peebles & Xie 2023；书中 2.3.3 节与 2.4.3 节）。

    输入 N 个宽度为 D 的词元 x 与条件向量 c。记 LN 为不带仿射参数的 LayerNorm（``elementwise_affine=False``，
    ``eps=1e-6``），modulate(h, β, γ) = h · (1 + γ) + β。
        (β1, γ1, α1, β2, γ2, α2) = Linear(cond_dim → 6D)( SiLU(c) ) 沿最后一维六等分（按此顺序），
                                   这个线性层的权重和偏置初始化为零；
        x = x + α1 · Attn( modulate(LN(x), β1, γ1) )
        x = x + α2 · MLP( modulate(LN(x), β2, γ2) )
    其中 Attn 为多头自注意力：Linear(D → 3D) 得到 q、k、v（前 D 维为 q，中间 D 维为 k，最后 D 维为 v；
    每份再按头数等分），``scaled_dot_product_attention`` 之后拼接各头，经 Linear(D → D)；
    MLP 为 Linear(D → mlp_ratio·D) → GELU（``approximate="tanh"``）→ Linear(mlp_ratio·D → D)。
    β、γ、α 的形状为 (B, 1, D)，对所有词元相同。因为调制层零初始化，α = 0，刚初始化的块是恒等映射。
    参数量（cond_dim = D、mlp_ratio = 4 时）为 18D² + 15D，例如 D = 48 时 42,192。

    参数（``__init__``）：
        dim: 词元宽度 D（须能被 ``heads`` 整除，否则抛出 ``ValueError``）。
        heads: 注意力头数。
        cond_dim: 条件向量的维数。
        mlp_ratio: MLP 隐藏层宽度与 D 之比。

    ``forward(x, c)``:
        x: 形状 (B, N, D)。
        c: 形状 (B, cond_dim)。
        返回形状 (B, N, D) 的张量。

    可用的 PyTorch 函数：``torch.nn.LayerNorm``、``torch.nn.Linear``、``torch.nn.GELU``、
    ``torch.nn.functional.scaled_dot_product_attention``、``torch.nn.functional.silu``、``torch.Tensor.chunk``、
    ``torch.nn.init.zeros_``。
    """

    def __init__(self, dim: int, heads: int, cond_dim: int, mlp_ratio: int = 4) -> None:
        super().__init__()
        raise NotImplementedError("练习 adaln-zero-block")

    def forward(self, x: Tensor, c: Tensor) -> Tensor:
        raise NotImplementedError("练习 adaln-zero-block")
# ANCHOR_END: AdaLNZeroBlock


# ANCHOR: patchify
def patchify(x: Tensor, p: int) -> Tensor:
    """把图像切成 p×p 的图块并展平为词元（ViT；书中 2.4.1 节）。

    图像 x 的形状为 (B, C, H, W)，H 与 W 须能被 p 整除（否则抛出 ``ValueError``）。记 h = H / p、w = W / p。
    输出形状 (B, h·w, p·p·C)：第 n = i·w + j 个词元是第 i 行、第 j 列的图块（按行优先），
    它的第 (u·p + v)·C + c 个分量是像素 x[b, c, i·p + u, j·p + v]（图块内先行后列，通道在最内层）。

    可用的 PyTorch 函数：``torch.Tensor.reshape``、``torch.Tensor.permute``。
    """
    raise NotImplementedError("练习 patchify")
# ANCHOR_END: patchify


# ANCHOR: unpatchify
def unpatchify(tokens: Tensor, p: int, channels: int, height: int, width: int) -> Tensor:
    """``patchify`` 的逆运算（书中 2.4.1 节）。

    tokens 的形状为 (B, (height / p)·(width / p), p·p·channels)，排列约定与 ``patchify`` 相同；
    返回形状 (B, channels, height, width) 的图像，满足 unpatchify(patchify(x, p), p, C, H, W) == x。

    可用的 PyTorch 函数：``torch.Tensor.reshape``、``torch.Tensor.permute``。
    """
    raise NotImplementedError("练习 unpatchify")
# ANCHOR_END: unpatchify


# ANCHOR: sincos_pos_embed_2d
def sincos_pos_embed_2d(h: int, w: int, dim: int) -> Tensor:
    """固定的二维正弦余弦位置编码（书中 2.4.2 节）。

    dim 须为 4 的倍数（否则抛出 ``ValueError``）。记 q = dim / 4，频率 ω_k = 10000^(−k / q)，k = 0, …, q − 1。
    第 n = i·w + j 个位置（第 i 行、第 j 列，按行优先）的编码为
        [ sin(i ω_0), …, sin(i ω_{q−1}), cos(i ω_0), …, cos(i ω_{q−1}),
          sin(j ω_0), …, sin(j ω_{q−1}), cos(j ω_0), …, cos(j ω_{q−1}) ]
    （前一半编码行号，后一半编码列号）。用 float64 计算，返回形状 (h·w, dim) 的 float32 张量。

    可用的 PyTorch 函数：``torch.arange``、``torch.Tensor.repeat_interleave``、``torch.Tensor.repeat``、
    ``torch.outer``、``torch.sin``、``torch.cos``、``torch.cat``。
    """
    raise NotImplementedError("练习 sincos-2d")
# ANCHOR_END: sincos_pos_embed_2d


# ANCHOR: TinyViTDenoiser
class TinyViTDenoiser(nn.Module):
    """小型 ViT 去噪器（DiT 式，adaLN-Zero；书中 2.4.3 节）。

    记 D = dim，g = img_size / patch，N = g²。结构（按顺序）：
        词元：Linear(patch²·in_ch → D)( patchify(x, patch) ) + sincos_pos_embed_2d(g, g, D)
              （位置编码用 ``register_buffer`` 保存，不可学习）；
        条件：SinusoidalTimeEmbedding(D)(t) → Linear(D, D) → SiLU → Linear(D, D)，得到 c；
        depth 个 AdaLNZeroBlock(D, heads, cond_dim=D)；
        输出：(β, γ) = Linear(D → 2D)(SiLU(c))，h = LN(h)·(1 + γ) + β（LN 不带仿射参数，eps=1e-6），
              Linear(D → patch²·in_ch)，再 unpatchify 回 (B, in_ch, img_size, img_size)。
              最后这两个线性层的权重和偏置都初始化为零，所以刚初始化时输出恒为零。
    默认参数（img_size = 8，patch = 2，in_ch = 1，dim = 48，depth = 3，heads = 4）共 136,420 个参数
    （patch = 4 时 137,584 个）。

    参数（``__init__``）：img_size（须能被 patch 整除，否则抛出 ``ValueError``）、patch、in_ch、dim、depth、heads。

    ``forward(x, t)``:
        x: 形状 (B, in_ch, img_size, img_size)。
        t: 形状 (B,) 的整数步数。
        返回与 x 同形状的预测。

    依赖：``minidiff.nets.SinusoidalTimeEmbedding`` 与本模块的 ``AdaLNZeroBlock``、``patchify``、``unpatchify``、
    ``sincos_pos_embed_2d``。可用的 PyTorch 函数：``torch.nn.Linear``、``torch.nn.LayerNorm``、
    ``torch.nn.ModuleList``、``torch.nn.init.zeros_``。
    """

    def __init__(self, img_size: int = 8, patch: int = 2, in_ch: int = 1, dim: int = 48, depth: int = 3,
                 heads: int = 4) -> None:
        super().__init__()
        raise NotImplementedError("练习 tiny-vit")

    def forward(self, x: Tensor, t: Tensor) -> Tensor:
        raise NotImplementedError("练习 tiny-vit")
# ANCHOR_END: TinyViTDenoiser
