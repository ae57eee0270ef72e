import math

import pytest
import torch

from minidiff import forward

# 一个只有 3 步的「调度」,数值好算:ᾱ = (0.81, 0.25, 0.04),即 √ᾱ = (0.9, 0.5, 0.2)。
ABAR = torch.tensor([0.81, 0.25, 0.04], dtype=torch.float64)


@pytest.mark.exercise("q-sample")
class TestQSample:
    def test_given_noise(self):
        x0 = torch.ones(3, 2)
        eps = torch.full((3, 2), 2.0)
        t = torch.tensor([1, 2, 3])
        xt = forward.q_sample(x0, t, ABAR, noise=eps)
        want = torch.tensor([0.9 + 2 * math.sqrt(0.19), 0.5 + 2 * math.sqrt(0.75), 0.2 + 2 * math.sqrt(0.96)])
        assert xt.shape == (3, 2)
        assert xt.dtype == torch.float32
        assert torch.allclose(xt, want[:, None].expand(3, 2), atol=1e-6)

    def test_images_per_sample_t(self):
        x0 = torch.ones(3, 1, 8, 8)
        eps = torch.zeros(3, 1, 8, 8)
        xt = forward.q_sample(x0, torch.tensor([3, 1, 2]), ABAR, noise=eps)
        assert xt.shape == (3, 1, 8, 8)
        assert torch.allclose(xt[:, 0, 0, 0], torch.tensor([0.2, 0.9, 0.5]), atol=1e-6)
        assert torch.allclose(xt, xt[:, :, :1, :1].expand_as(xt))

    def test_statistics_without_noise_argument(self):
        torch.manual_seed(0)
        x0 = torch.full((100_000, 1), 2.0)
        xt = forward.q_sample(x0, torch.full((100_000,), 2), ABAR).double()
        # q(x_2 | x_0 = 2) = N(0.5 · 2, 0.75)
        assert abs(xt.mean().item() - 1.0) < 0.01
        assert abs(xt.var().item() - 0.75) < 0.015


@pytest.mark.exercise("forward-markov-step")
class TestQStep:
    def test_given_noise(self):
        betas = torch.tensor([0.19, 0.36], dtype=torch.float64)  # √(1 − β) = 0.9, 0.8
        x = torch.tensor([[1.0, -1.0], [2.0, 0.5]])
        eps = torch.tensor([[1.0, 1.0], [-1.0, 2.0]])
        out = forward.q_step(x, torch.tensor([1, 2]), betas, noise=eps)
        want = torch.tensor([[0.9 + math.sqrt(0.19), -0.9 + math.sqrt(0.19)], [1.6 - 0.6, 0.4 + 1.2]])
        assert out.dtype == torch.float32
        assert torch.allclose(out, want, atol=1e-6)

    def test_chain_matches_closed_form(self):
        # 100 步线性调度的马尔可夫链:x_100 | x_0 ~ N(√ᾱ_100 x_0, 1 − ᾱ_100),ᾱ_100 = 0.89701814567496。
        torch.manual_seed(0)
        betas = torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64)
        x = torch.full((20_000, 1), 2.0)
        for t in range(1, 101):
            x = forward.q_step(x, torch.full((20_000,), t), betas)
        x = x.double()
        assert abs(x.mean().item() - 2 * math.sqrt(0.89701814567496)) < 0.01
        assert abs(x.var().item() - (1 - 0.89701814567496)) < 0.005


@pytest.mark.exercise("prior-kl")
class TestPriorKL:
    def test_closed_form(self):
        x0 = torch.stack([torch.ones(3), torch.zeros(3)])
        kl = forward.prior_kl(x0, 0.5)  # ᾱ_T 是一个标量
        assert kl.shape == (2,)
        assert kl.dtype == torch.float32
        # x0 = 1:每维 ½ (0.5 + 0.5 − 1 − log 0.5) = ½ log 2;x0 = 0:每维 ½ (0.5 − 1 − log 0.5)
        assert kl[0].item() == pytest.approx(3 * 0.5 * math.log(2), rel=1e-6)
        assert kl[1].item() == pytest.approx(3 * 0.5 * (-0.5 + math.log(2)), rel=1e-6)

    def test_images_and_linear_schedule(self):
        abar = torch.cumprod(1 - torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64), dim=0)
        x0 = torch.ones(4, 1, 8, 8, dtype=torch.float64)
        kl = forward.prior_kl(x0, abar[-1])  # 零维张量也可以
        assert kl.shape == (4,)
        assert kl.dtype == torch.float64
        # 64 维,每维 ½ (ᾱ_T − ᾱ_T − log(1 − ᾱ_T)) ≈ ᾱ_T / 2
        assert kl[0].item() == pytest.approx(32 * 4.035911207181579e-05, rel=1e-6)
        assert bool((kl >= 0).all())

    def test_tiny_alpha_bar_float32_uses_log1p(self):
        # 余弦调度的 ᾱ_T ≈ 2.43e−9:float32 里 1 − ᾱ_T == 1,先相减再取 log 会得到负的 KL(−9.1e−10)。
        # 用 torch.log1p 得到 ½ ᾱ_T x² = 3.04e−10。
        kl = forward.prior_kl(torch.tensor([[0.5]]), 2.4287669070348567e-09)
        assert kl.dtype == torch.float32
        assert kl.item() == pytest.approx(0.5 * 2.4287669070348567e-09 * 0.25, rel=1e-3)
