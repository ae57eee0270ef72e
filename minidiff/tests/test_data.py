import pytest
import torch

from minidiff.data import sample_mixture_1d

pytestmark = pytest.mark.exercise("mixture-sampler")

W, M, S = (0.3, 0.7), (-2.0, 1.0), (0.5, 0.3)


def test_shape_and_dtype(gen):
    x = sample_mixture_1d(1000, W, M, S, generator=gen)
    assert x.shape == (1000, 1)  # 第 0 维是批,第 1 维是数据维 d = 1
    assert x.dtype == torch.float32


def test_accepts_tensors(gen):
    x = sample_mixture_1d(10, torch.tensor(W), torch.tensor(M), torch.tensor(S), generator=gen)
    assert x.shape == (10, 1)


def test_moments(gen):
    # 均值 Σ w μ = 0.1;二阶矩 Σ w (s² + μ²) = 2.038,方差 2.028。
    x = sample_mixture_1d(50_000, W, M, S, generator=gen).double()
    assert abs(x.mean().item() - 0.1) < 0.03
    assert abs(x.var().item() - 2.028) < 0.06


def test_component_fractions(gen):
    # 两个分量相距很远:x < −0.5 的比例就是第一个分量的权重 0.3。
    x = sample_mixture_1d(50_000, W, M, S, generator=gen)
    frac = (x < -0.5).double().mean().item()
    assert abs(frac - 0.3) < 0.01


def test_single_component_is_gaussian(gen):
    x = sample_mixture_1d(50_000, [1.0], [3.0], [2.0], generator=gen).double()
    assert abs(x.mean().item() - 3.0) < 0.05
    assert abs(x.std().item() - 2.0) < 0.05


def test_generator_reproducible():
    a = sample_mixture_1d(100, W, M, S, generator=torch.Generator().manual_seed(7))
    b = sample_mixture_1d(100, W, M, S, generator=torch.Generator().manual_seed(7))
    c = sample_mixture_1d(100, W, M, S, generator=torch.Generator().manual_seed(8))
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
