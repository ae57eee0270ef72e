"""参数的指数滑动平均 EMA(第 3.5 节)。

扩散模型几乎总是用 EMA 参数来采样:训练中的参数随小批量噪声抖动,它们的滑动平均更平稳,
样本质量通常明显更好。
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["EMA"]


# ANCHOR: EMA
class EMA:
    """保存一份模型参数的指数滑动平均(影子参数)。

    公式:每次 ``update`` 时,对每个浮点参数 θ 与其影子 θ̄:θ̄ ← d · θ̄ + (1 − d) · θ,d = ``decay``。
    影子参数在 ``__init__`` 里用模型当前参数的副本初始化(必须是副本,不能与模型共享存储)。
    缓冲区(buffer,如 BatchNorm 的统计量)不做平均,``update`` 时直接复制。

    方法:
        ``__init__(model, decay)``:记录 decay(0 ≤ decay < 1),复制参数。
        ``update(model)``:按上式更新影子参数;不需要梯度。
        ``copy_to(model)``:把影子参数(与缓冲区)写进一个结构相同的模型,用于采样或保存。

    可用的 PyTorch 函数:``torch.nn.Module.named_parameters``、``torch.nn.Module.named_buffers``、
    ``torch.Tensor.detach``、``torch.Tensor.clone``、``torch.no_grad``、``torch.Tensor.lerp_``
    (θ̄.lerp_(θ, 1 − d) 正好是上式)、``torch.Tensor.copy_``。PyTorch 自带的
    ``torch.optim.swa_utils.AveragedModel`` 做的是同一件事,可以拿来对照。
    """

    def __init__(self, model: nn.Module, decay: float = 0.999) -> None:
        raise NotImplementedError("练习 ema-weights")

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        raise NotImplementedError("练习 ema-weights")

    @torch.no_grad()
    def copy_to(self, model: nn.Module) -> None:
        raise NotImplementedError("练习 ema-weights")
# ANCHOR_END: EMA
