import itertools
import math

import pytest
import torch

from minidiff import flow

@pytest.mark.exercise("hutchinson-divergence")
class TestHutchinson:
    def test_linear_field_mean_is_trace(self):
        g = torch.Generator().manual_seed(0)
        A = torch.tensor([[1.0, 2.0, 0.0], [0.5, -3.0, 1.0], [0.0, 1.0, 0.5]], dtype=torch.float64)
        x = torch.randn(4, 3, dtype=torch.float64, generator=g)
        est = flow.hutchinson_divergence(lambda z: z @ A.T, x, num_probes=4000, generator=g)
        assert est.shape == (4,)
        # tr(A) = −1.5;Rademacher 估计的单探针方差 = Σ_{i≠j} (A_ij² + A_ij A_ji) 的量级,4000 个探针后误差 < 0.2。
        assert torch.allclose(est, torch.full((4,), -1.5, dtype=torch.float64), atol=0.2)

    def test_diagonal_field_is_exact(self):
        # 对角雅可比:ξᵀ J ξ = Σ J_ii ξ_i² = tr(J),一个探针就精确。
        x = torch.tensor([[0.3, -1.0], [2.0, 0.5]], dtype=torch.float64)
        est = flow.hutchinson_divergence(lambda z: torch.sin(z), x, num_probes=1)
        assert torch.allclose(est, torch.cos(x).sum(-1), atol=1e-12)


@pytest.mark.exercise("flow-path-coefficients")
class TestPathCoefficients:
    def test_linear_values(self):
        t = torch.tensor([0.25], dtype=torch.float64)
        a, s, da, ds = flow.path_coefficients(t, "linear", sigma_min=0.1)
        assert [v.item() for v in (a, s, da, ds)] == pytest.approx([0.75, 0.325, -1.0, 0.9])
        assert da.shape == t.shape and ds.dtype == t.dtype

    def test_cosine_values_and_vp(self):
        t = torch.linspace(0, 1, 11, dtype=torch.float64)
        a, s, da, ds = flow.path_coefficients(t, "cosine")
        assert torch.allclose(a**2 + s**2, torch.ones_like(t))
        assert a[5].item() == pytest.approx(math.cos(math.pi / 4))

    def test_derivatives_by_finite_difference(self):
        t = torch.tensor([0.1, 0.4, 0.7], dtype=torch.float64)
        h = 1e-6
        for path, sm in [("linear", 0.0), ("linear", 0.05), ("cosine", 0.0)]:
            a1, s1, _, _ = flow.path_coefficients(t + h, path, sm)
            a0, s0, _, _ = flow.path_coefficients(t - h, path, sm)
            _, _, da, ds = flow.path_coefficients(t, path, sm)
            assert torch.allclose(da, (a1 - a0) / (2 * h), atol=1e-6)
            assert torch.allclose(ds, (s1 - s0) / (2 * h), atol=1e-6)

    def test_bad_arguments(self):
        with pytest.raises(ValueError):
            flow.path_coefficients(torch.zeros(1), "quadratic")
        with pytest.raises(ValueError):
            flow.path_coefficients(torch.zeros(1), "cosine", sigma_min=0.1)


@pytest.mark.exercise("flow-conditional-path")
class TestConditionalPath:
    def test_endpoints_and_linear_velocity(self):
        g = torch.Generator().manual_seed(1)
        x0, x1 = torch.randn(5, 2, generator=g), torch.randn(5, 2, generator=g)
        xt, ut = flow.conditional_path(x0, x1, torch.zeros(5))
        assert torch.allclose(xt, x0)
        xt, ut = flow.conditional_path(x0, x1, torch.ones(5))
        assert torch.allclose(xt, x1)
        assert torch.allclose(ut, x1 - x0)

    def test_velocity_is_time_derivative(self):
        g = torch.Generator().manual_seed(2)
        x0 = torch.randn(6, 3, dtype=torch.float64, generator=g)
        x1 = torch.randn(6, 3, dtype=torch.float64, generator=g)
        t = torch.rand(6, dtype=torch.float64, generator=g) * 0.8 + 0.1
        for path, sm in [("linear", 0.1), ("cosine", 0.0)]:
            xp, _ = flow.conditional_path(x0, x1, t + 1e-6, path, sm)
            xm, _ = flow.conditional_path(x0, x1, t - 1e-6, path, sm)
            _, ut = flow.conditional_path(x0, x1, t, path, sm)
            assert ut.shape == (6, 3)
            assert torch.allclose(ut, (xp - xm) / 2e-6, atol=1e-6)


@pytest.mark.exercise("flow-cfm-loss")
class TestCFMLoss:
    def test_fixed_inputs(self):
        x0 = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
        x1 = torch.tensor([[0.0, 1.0], [1.0, 1.0]])
        t = torch.tensor([0.5, 0.25])
        # 零网络:损失 = mean((x1 − x0)²) = (1 + 1 + 1 + 1) / 4 = 1。
        loss = flow.cfm_loss(lambda x, s: torch.zeros_like(x), x0, x1, t)
        assert loss.ndim == 0 and loss.item() == pytest.approx(1.0)
        # 网络输出 x 本身:x_t = [[0.5, 0.5], [0.25, 1.75]],u = [[−1, 1], [1, −1]]。
        loss = flow.cfm_loss(lambda x, s: x, x0, x1, t)
        expect = ((1.5**2) + (0.5**2) + (0.75**2) + (2.75**2)) / 4
        assert loss.item() == pytest.approx(expect)

    def test_zero_model_expectation_and_gradient(self):
        torch.manual_seed(0)
        x0 = torch.randn(20000, 2)
        w = torch.zeros(1, requires_grad=True)
        loss = flow.cfm_loss(lambda x, s: w * x, x0)
        # x1 与 x0 独立、都是标准高斯:E (x1 − x0)² = 2。
        assert loss.item() == pytest.approx(2.0, abs=0.05)
        loss.backward()
        assert w.grad is not None

    def test_ot_coupling_lowers_zero_model_loss(self):
        torch.manual_seed(0)
        x0 = torch.randn(64, 2)
        x1 = torch.randn(64, 2)
        t = torch.rand(64)
        zero = lambda x, s: torch.zeros_like(x)
        ind = flow.cfm_loss(zero, x0, x1, t)
        ot = flow.cfm_loss(zero, x0, x1, t, coupling="ot")
        assert ot.item() < 0.5 * ind.item()
        with pytest.raises(ValueError):
            flow.cfm_loss(zero, x0, x1, t, coupling="sinkhorn")


@pytest.mark.exercise("flow-euler-sampler")
class TestEuler:
    def test_linear_ode_matches_euler_formula(self):
        # dx/dt = x 从 t = 1 积到 0:欧拉法给出 x1 (1 − 1/n)^n。
        x1 = torch.tensor([[1.0, -2.0]], dtype=torch.float64)
        for n in (1, 4, 10):
            out = flow.euler_ode_sample(lambda x, t: x, x1, steps=n)
            assert torch.allclose(out, x1 * (1 - 1 / n) ** n)

    def test_time_grid_and_trajectory(self):
        seen = []

        def model(x, t):
            assert t.shape == (x.shape[0],)
            seen.append(t[0].item())
            return torch.ones_like(x)

        x1 = torch.zeros(3, 2)
        traj = flow.euler_ode_sample(model, x1, steps=4, return_trajectory=True)
        assert seen == pytest.approx([1.0, 0.75, 0.5, 0.25])
        assert traj.shape == (5, 3, 2)
        assert torch.allclose(traj[0], x1)
        assert torch.allclose(traj[-1], -torch.ones(3, 2))

    def test_point_mass_field_is_exact(self):
        # 单个数据点 y 的直线路径:u = (x − y) / t,轨迹是直线,欧拉法一步就精确。
        y = torch.tensor([[0.5, 1.5]], dtype=torch.float64)
        x1 = torch.randn(4, 2, dtype=torch.float64)
        out = flow.euler_ode_sample(lambda x, t: (x - y) / t[:, None], x1, steps=1)
        assert torch.allclose(out, y.expand(4, 2), atol=1e-12)
