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


def _set(model: nn.Module, value: float) -> None:
    with torch.no_grad():
        for p in model.parameters():
            p.fill_(value)


def test_update_formula():
    model = _linear(1.0)
    ema = EMA(model, decay=0.9)
    _set(model, 3.0)
    ema.update(model)  # 0.9 · 1 + 0.1 · 3 = 1.2
    shadow = ema.shadow_model()
    assert isinstance(shadow, nn.Linear)
    assert torch.allclose(shadow.weight, torch.full((2, 2), 1.2))
    assert torch.allclose(shadow.bias, torch.full((2,), 1.2))
    ema.update(model)  # 0.9 · 1.2 + 0.1 · 3 = 1.38
    assert torch.allclose(ema.shadow_model().weight, torch.full((2, 2), 1.38))


def test_shadow_is_a_frozen_copy():
    model = _linear(1.0)
    ema = EMA(model, decay=0.5)
    shadow = ema.shadow_model()
    assert shadow is not model
    _set(model, 5.0)  # 不调用 update:影子参数不应跟着变
    assert torch.allclose(shadow.weight, torch.ones(2, 2))
    assert all(not p.requires_grad for p in shadow.parameters())
    assert all(p.requires_grad for p in model.parameters())
    assert not shadow.training


def test_decay_zero_tracks_model():
    model = _linear(1.0)
    ema = EMA(model, decay=0.0)
    _set(model, -2.0)
    ema.update(model)
    assert torch.allclose(ema.shadow_model().weight, torch.full((2, 2), -2.0))


def test_buffers_are_copied():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    ema = EMA(model, decay=0.9)
    model.train()
    model(torch.randn(16, 2) * 3 + 5)  # 改变 BatchNorm 的 running_mean / running_var
    ema.update(model)
    shadow = ema.shadow_model()
    assert torch.equal(shadow[1].running_mean, model[1].running_mean)
    assert torch.equal(shadow[1].running_var, model[1].running_var)
    assert shadow[1].num_batches_tracked.item() == 1


def test_no_grad_and_model_untouched():
    model = _linear(1.0)
    ema = EMA(model, decay=0.99)
    loss = model(torch.ones(1, 2)).sum()
    loss.backward()
    ema.update(model)
    assert torch.allclose(model.weight, torch.ones(2, 2))
    assert ema.shadow_model().weight.grad is None


def test_state_dict_round_trip():
    model = _linear(1.0)
    ema = EMA(model, decay=0.9)
    _set(model, 3.0)
    ema.update(model)
    state = ema.state_dict()
    assert state["decay"] == 0.9
    other = EMA(_linear(0.0), decay=0.5)
    other.load_state_dict(state)
    assert torch.allclose(other.shadow_model().weight, torch.full((2, 2), 1.2))
    _set(model, 1.2)
    other.update(model)  # 载入后 γ = 0.9:0.9 · 1.2 + 0.1 · 1.2 = 1.2
    assert torch.allclose(other.shadow_model().weight, torch.full((2, 2), 1.2))
    _set(model, 2.2)
    other.update(model)  # 0.9 · 1.2 + 0.1 · 2.2 = 1.3
    assert torch.allclose(other.shadow_model().weight, torch.full((2, 2), 1.3))
