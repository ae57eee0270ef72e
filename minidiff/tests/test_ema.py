import pytest
import torch
from torch import nn

from minidiff.ema import EMA

pytestmark = pytest.mark.exercise("ema-weights")


def _linear(value: float) -> nn.Linear:
    m = nn.Linear(2, 2)
    with torch.no_grad():
        m.weight.fill_(value)
        m.bias.fill_(value)
    return m


def test_update_formula():
    model = _linear(1.0)
    ema = EMA(model, decay=0.9)
    with torch.no_grad():
        model.weight.fill_(3.0)
        model.bias.fill_(3.0)
    ema.update(model)  # 0.9 · 1 + 0.1 · 3 = 1.2
    out = _linear(0.0)
    ema.copy_to(out)
    assert torch.allclose(out.weight, torch.full((2, 2), 1.2))
    assert torch.allclose(out.bias, torch.full((2,), 1.2))
    ema.update(model)  # 0.9 · 1.2 + 0.1 · 3 = 1.38
    ema.copy_to(out)
    assert torch.allclose(out.weight, torch.full((2, 2), 1.38))


def test_shadow_is_a_copy():
    model = _linear(1.0)
    ema = EMA(model, decay=0.5)
    with torch.no_grad():
        model.weight.fill_(5.0)  # 不调用 update:影子参数不应跟着变
    out = _linear(0.0)
    ema.copy_to(out)
    assert torch.allclose(out.weight, torch.ones(2, 2))


def test_decay_zero_tracks_model():
    model = _linear(1.0)
    ema = EMA(model, decay=0.0)
    with torch.no_grad():
        model.weight.fill_(-2.0)
    ema.update(model)
    out = _linear(0.0)
    ema.copy_to(out)
    assert torch.allclose(out.weight, torch.full((2, 2), -2.0))


def test_no_grad_and_model_untouched():
    model = _linear(1.0)
    ema = EMA(model, decay=0.99)
    loss = model(torch.ones(1, 2)).sum()
    loss.backward()
    ema.update(model)
    assert torch.allclose(model.weight, torch.ones(2, 2))
