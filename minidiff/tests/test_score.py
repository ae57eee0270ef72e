import math

import pytest
import torch

from minidiff import score

# 一个二维三分量混合：中心、标准差、（未归一化的）权重。
MEANS = torch.tensor([[-2.0, 0.0], [2.0, 0.0], [0.0, 1.5]], dtype=torch.float64)
STDS = torch.tensor([0.5, 0.8, 0.3], dtype=torch.float64)
WEIGHTS = torch.tensor([1.0, 2.0, 1.0], dtype=torch.float64)


def _gauss_model(m, v):
    """含噪一维高斯 N(m, v + σ²) 的精确分数，作为 model(x, sigma)。"""

    def f(x, sigma):
        return -(x - m) / (v + sigma[:, None] ** 2)

    return f


@pytest.mark.exercise("gmm-score")
class TestGmmScore:
    def test_finite_differences(self):
        g = torch.Generator().manual_seed(0)
        x = 3 * torch.randn(50, 2, generator=g, dtype=torch.float64)
        s = score.gmm_score(x, MEANS, STDS, WEIGHTS)
        assert s.shape == (50, 2)
        h = 1e-5
        fd = torch.zeros_like(x)
        for j in range(2):
            e = torch.zeros(2, dtype=torch.float64)
            e[j] = h
            fd[:, j] = (score.gmm_log_prob(x + e, MEANS, STDS, WEIGHTS) - score.gmm_log_prob(x - e, MEANS, STDS, WEIGHTS)) / (2 * h)
        assert torch.allclose(s.double(), fd, atol=1e-6, rtol=1e-5)

    def test_single_gaussian_and_far_away(self):
        x = torch.tensor([[1.0, 2.0], [-30.0, 0.0]], dtype=torch.float64)
        s = score.gmm_score(x, MEANS[:1], STDS[:1], WEIGHTS[:1])
        assert torch.allclose(s, -(x - MEANS[0]) / 0.25)
        # 远离所有分量时，各分量密度都下溢为 0；仍须给出有限的值（用 logsumexp / softmax）。
        # 极远处由最宽的分量（σ = 0.8，中心 (2, 0)）主导：s = −(x − μ)/σ² = (62/0.64, 0)。
        s = score.gmm_score(torch.tensor([[-60.0, 0.0]], dtype=torch.float64), MEANS, STDS, WEIGHTS)
        assert torch.isfinite(s).all()
        assert torch.allclose(s, torch.tensor([[62.0 / 0.64, 0.0]], dtype=torch.float64), rtol=1e-6)

    def test_dtype_follows_input(self):
        x = torch.zeros(4, 2)
        assert score.gmm_score(x, MEANS, STDS, WEIGHTS).dtype == torch.float32


@pytest.mark.exercise("dsm-loss")
class TestDsmLoss:
    def test_given_noise(self):
        x0 = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
        noise = torch.tensor([[1.0, -1.0], [0.5, 0.0]])
        sigmas = torch.tensor([1.0, 0.5], dtype=torch.float64)
        idx = torch.tensor([0, 1])

        def zero(x, sigma):
            return torch.zeros_like(x)

        # 网络输出 0 时损失为 ½ E‖z‖²。
        loss = score.dsm_loss(zero, x0, sigmas, noise=noise, idx=idx)
        assert loss.shape == ()
        assert abs(loss.item() - 0.5 * (2.0 + 0.25) / 2) < 1e-6

        def ones(x, sigma):
            return torch.ones_like(x)

        # σ s + z = (2, 0) 与 (1, 0.5)，损失 = ½ (4 + 1.25) / 2。
        loss = score.dsm_loss(ones, x0, sigmas, noise=noise, idx=idx)
        assert abs(loss.item() - 0.5 * (4.0 + 1.25) / 2) < 1e-6

    def test_minimiser_is_tweedie(self):
        # 一维高斯数据 N(1, 0.25)，σ = 0.5：线性模型 s(x) = a x + b 的最优解应是 a = −1/(v+σ²) = −2, b = 2。
        torch.manual_seed(0)
        x0 = 1.0 + 0.5 * torch.randn(20_000, 1)
        sigmas = torch.tensor([0.5], dtype=torch.float64)
        lin = torch.nn.Linear(1, 1)
        opt = torch.optim.Adam(lin.parameters(), lr=0.05)
        for _ in range(400):
            loss = score.dsm_loss(lambda x, s: lin(x), x0, sigmas)
            opt.zero_grad()
            loss.backward()
            opt.step()
        assert abs(lin.weight.item() + 2.0) < 0.15
        assert abs(lin.bias.item() - 2.0) < 0.15

    def test_exact_score_is_better(self):
        torch.manual_seed(1)
        x0 = 1.0 + 0.5 * torch.randn(50_000, 1)
        sigmas = torch.tensor([1.0, 0.3, 0.1], dtype=torch.float64)
        g1 = torch.Generator().manual_seed(5)
        g2 = torch.Generator().manual_seed(5)
        good = score.dsm_loss(_gauss_model(1.0, 0.25), x0, sigmas, generator=g1)
        bad = score.dsm_loss(_gauss_model(0.5, 0.25), x0, sigmas, generator=g2)
        assert good.item() < bad.item()
        # 精确分数时，σ²‖s − ∇log q‖² 的期望是 d·(1 − E[σ²/(v+σ²)])/2 …… 这里只检查它 < ½。
        assert good.item() < 0.5


@pytest.mark.exercise("sliced-sm-loss")
class TestSlicedSm:
    def test_gaussian_value(self):
        # 数据 N(0, 4 I)，d = 3，模型为真分数 s(x) = −x/4：J = E[tr ∇s + ½‖s‖²] = −3/4 + 3/8 = −3/8。
        g = torch.Generator().manual_seed(0)
        x = 2 * torch.randn(100_000, 3, generator=g, dtype=torch.float64)
        loss = score.sliced_sm_loss(lambda y: -y / 4, x, num_projections=1, generator=g)
        assert loss.shape == ()
        assert abs(loss.item() + 0.375) < 0.02

    def test_gradient_flows(self):
        g = torch.Generator().manual_seed(0)
        lin = torch.nn.Linear(2, 2).double()
        x = torch.randn(64, 2, generator=g, dtype=torch.float64)
        loss = score.sliced_sm_loss(lin, x, num_projections=2, generator=g)
        loss.backward()
        assert lin.weight.grad is not None and torch.isfinite(lin.weight.grad).all()
        assert lin.weight.grad.abs().sum() > 0

    def test_trace_term_gradient(self):
        # 线性模型 s(x) = W x，W = 0：½(vᵀs)² 项在 W = 0 处梯度为零，迹项 vᵀ W v 的梯度是 E[v vᵀ] = I。
        # 若求输入梯度时没有 create_graph=True，迹项对 W 没有梯度，这里会得到 0。
        g = torch.Generator().manual_seed(0)
        lin = torch.nn.Linear(2, 2, bias=False).double()
        torch.nn.init.zeros_(lin.weight)
        x = torch.randn(20_000, 2, generator=g, dtype=torch.float64)
        score.sliced_sm_loss(lin, x, num_projections=1, generator=g).backward()
        assert torch.allclose(lin.weight.grad, torch.eye(2, dtype=torch.float64), atol=0.05)


@pytest.mark.exercise("langevin")
class TestLangevin:
    def test_stationary_bias(self):
        # 一维 N(1, 4)，步长 ε = 1：离散链的平稳方差是 v / (1 − ε/(4v)) = 4 / (1 − 1/16) = 64/15。
        g = torch.Generator().manual_seed(0)
        x = torch.zeros(20_000, 1, dtype=torch.float64)
        out = score.langevin(lambda y: -(y - 1.0) / 4.0, x, step_size=1.0, num_steps=200, generator=g)
        assert out.shape == (20_000, 1)
        assert abs(out.mean().item() - 1.0) < 0.05
        assert abs(out.var().item() - 64 / 15) < 0.15

    def test_trajectory(self):
        g = torch.Generator().manual_seed(0)
        x = torch.zeros(5, 2, dtype=torch.float64)
        traj = score.langevin(lambda y: -y, x, 0.1, 7, generator=g, return_trajectory=True)
        assert traj.shape == (8, 5, 2)
        assert torch.equal(traj[0], x)


@pytest.mark.exercise("mala")
def test_mala_is_unbiased():
    # 与上面同一个目标、同一个大步长：MALA 的平稳方差应回到 4。
    g = torch.Generator().manual_seed(0)
    x = torch.zeros(20_000, 1, dtype=torch.float64)

    def lp(y):
        return -((y - 1.0) ** 2).sum(1) / 8.0

    out, rate = score.mala(lp, lambda y: -(y - 1.0) / 4.0, x, step_size=1.0, num_steps=200, generator=g)
    assert out.shape == (20_000, 1)
    assert 0.0 < float(rate) < 1.0
    assert abs(out.mean().item() - 1.0) < 0.05
    assert abs(out.var().item() - 4.0) < 0.15


@pytest.mark.exercise("annealed-langevin")
def test_annealed_langevin_gaussian():
    # 数据 N(1, 0.25)，噪声条件的精确分数 −(x − 1)/(0.25 + σ²)；从 N(0, σ_1²) 出发。
    g = torch.Generator().manual_seed(0)
    sigmas = torch.exp(torch.linspace(math.log(3.0), math.log(0.01), 10, dtype=torch.float64))
    x = 3.0 * torch.randn(20_000, 1, generator=g, dtype=torch.float64)
    out = score.annealed_langevin(_gauss_model(1.0, 0.25), x, sigmas, steps_per_level=100, eps=2e-5, generator=g, denoise=False)
    assert out.shape == (20_000, 1)
    assert abs(out.mean().item() - 1.0) < 0.03
    assert abs(out.var().item() - 0.25) < 0.03
    # 只走一步、ε 很小时几乎不动；denoise=True 时最后一步 x + σ_L² s(x, σ_L) 是确定性的。
    x1 = torch.zeros(3, 1, dtype=torch.float64)
    out1 = score.annealed_langevin(_gauss_model(1.0, 0.25), x1, sigmas[-1:], steps_per_level=0, eps=1.0, generator=g, denoise=True)
    assert torch.allclose(out1, torch.full((3, 1), 1e-4 / (0.25 + 1e-4), dtype=torch.float64))


@pytest.mark.exercise("noise-conditional-mlp")
def test_noise_conditional_mlp():
    torch.manual_seed(0)
    net = score.NoiseConditionalMLP(data_dim=2, hidden=32, depth=2)
    x = torch.randn(6, 2)
    s1 = net(x, torch.full((6,), 1.0))
    s2 = net(x, torch.full((6,), 0.1))
    assert s1.shape == (6, 2)
    assert not torch.allclose(s1, s2)
    # 默认结构（输入 [x, log σ]，H = 128，depth = 3，输出除以 σ）有 33,794 个参数。
    n = sum(p.numel() for p in score.NoiseConditionalMLP().parameters())
    assert n == 33_794
    s1.sum().backward()
