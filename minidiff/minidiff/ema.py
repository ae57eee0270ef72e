"""参数的指数滑动平均 EMA（第 3.5 节）。

扩散模型几乎总是用 EMA 参数来采样：训练中的参数随小批量噪声抖动，它们的滑动平均更平稳，
样本质量通常明显更好。
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["EMA"]


# ANCHOR: EMA
class EMA:
    """保存一份模型参数的指数滑动平均：一个与模型结构相同的「影子模型」(shadow)。

    公式：每次 ``update`` 时，对每个参数 θ 与影子模型里对应的参数 θ̄:
        θ̄ ← γ · θ̄ + (1 − γ) · θ,γ = ``decay``（衰减率）。
    缓冲区（buffer，如 BatchNorm 的统计量）不做平均，``update`` 时直接复制。
    影子模型在 ``__init__`` 里由 ``copy.deepcopy(model)`` 得到（必须是副本，不能与模型共享存储），
    调用 ``eval()``，并用 ``requires_grad_(False)`` 冻结参数：它不进优化器，也不累积梯度。

    方法：
        ``__init__(model, decay)``：记录 γ(0 ≤ γ < 1)，深拷贝并冻结影子模型。
        ``update(model)``：在每次 ``optimizer.step()`` 之后调用，按上式原地更新影子参数，复制缓冲区。
        ``shadow_model()``：返回影子模型（一个 ``nn.Module``），用于采样与评估。
        ``state_dict()`` / ``load_state_dict(state)``：保存、载入影子模型的状态（连同 γ），
            用于检查点。

    可用的 PyTorch 函数：``copy.deepcopy``、``torch.nn.Module.eval``、``torch.nn.Module.requires_grad_``、
    ``torch.no_grad``、``torch.nn.Module.parameters``、``torch.nn.Module.buffers``、
    ``torch.Tensor.lerp_``（θ̄.lerp_(θ, 1 − γ) 正好是上式）、``torch.Tensor.copy_``、
    ``torch.nn.Module.state_dict``、``torch.nn.Module.load_state_dict``。PyTorch 自带的
    ``torch.optim.swa_utils.AveragedModel`` 做的是同一件事，可以拿来对照。
    """

    def __init__(self, model: nn.Module, decay: float = 0.999) -> None:
        raise NotImplementedError("练习 ema-weights")

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """θ̄ ← γ θ̄ + (1 − γ) θ；缓冲区直接复制。``model`` 与构造时的模型结构相同。"""
        raise NotImplementedError("练习 ema-weights")

    def shadow_model(self) -> nn.Module:
        """返回影子模型（不是副本：之后的 ``update`` 会改变它）。"""
        raise NotImplementedError("练习 ema-weights")

    def state_dict(self) -> dict:
        """返回 ``{"decay": γ, "shadow": 影子模型的 state_dict()}``。"""
        raise NotImplementedError("练习 ema-weights")

    def load_state_dict(self, state: dict) -> None:
        """从 ``state_dict()`` 的结果恢复 γ 与影子模型的参数、缓冲区。"""
        raise NotImplementedError("练习 ema-weights")
# ANCHOR_END: EMA
