import itertools
import math

import pytest
import torch

from minidiff import flow



def _coeffs(t, path):
    """路径系数的独立参考实现（测试用，不依赖 flow.path_coefficients）。"""
    if path == "linear":
        return 1 - t, t, -torch.ones_like(t), torch.ones_like(t)
    h = math.pi / 2
    return torch.cos(h * t), torch.sin(h * t), -h * torch.sin(h * t), h * torch.cos(h * t)

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


@pytest.mark.exercise("flow-empirical-velocity")
class TestEmpiricalVelocity:
    def test_single_point_is_conditional_field(self):
        y = torch.tensor([[1.0, -2.0]], dtype=torch.float64)
        x = torch.tensor([[0.3, 0.4], [-1.0, 2.0]], dtype=torch.float64)
        t = torch.tensor([0.3, 0.8], dtype=torch.float64)
        u = flow.empirical_marginal_velocity(x, t, y)
        # 直线路径:u = (x − y) / t。
        assert torch.allclose(u, (x - y) / t[:, None], atol=1e-12)

    def test_gaussian_data_closed_form(self):
        # 数据 N(m, s² I) 时:E[x0 | x] = m + a s² (x − a m) / (a² s² + σ²),E[ε | x] = σ (x − a m) / (a² s² + σ²)。
        g = torch.Generator().manual_seed(3)
        m = torch.tensor([1.0, -0.5], dtype=torch.float64)
        sd = 0.5
        data = m + sd * torch.randn(40000, 2, dtype=torch.float64, generator=g)
        x = torch.tensor([[0.0, 0.0], [1.5, -1.0], [-0.5, 0.5]], dtype=torch.float64)
        for path, tv in [("linear", 0.6), ("linear", 0.9), ("cosine", 0.7)]:
            t = torch.full((3,), tv, dtype=torch.float64)
            a, s, da, ds = (c.view(-1, 1) for c in _coeffs(t, path))
            var = a**2 * sd**2 + s**2
            ex0 = m + a * sd**2 * (x - a * m) / var
            eeps = s * (x - a * m) / var
            u = flow.empirical_marginal_velocity(x, t, data, path)
            assert torch.allclose(u, da * ex0 + ds * eeps, atol=0.03)


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


@pytest.mark.exercise("flow-minibatch-ot")
class TestMinibatchOT:
    def test_against_brute_force(self):
        g = torch.Generator().manual_seed(4)
        for n in (2, 3, 5, 6):
            for _ in range(5):
                x0 = torch.randn(n, 2, dtype=torch.float64, generator=g)
                x1 = torch.randn(n, 2, dtype=torch.float64, generator=g)
                perm = flow.minibatch_ot_pairs(x0, x1)
                assert perm.dtype == torch.int64 and sorted(perm.tolist()) == list(range(n))
                cost = ((x0 - x1[perm]) ** 2).sum().item()
                best = min(((x0 - x1[list(p)]) ** 2).sum().item() for p in itertools.permutations(range(n)))
                assert cost == pytest.approx(best, rel=1e-9)

    def test_shifted_copy_is_identity(self):
        x0 = torch.randn(16, 3)
        perm = flow.minibatch_ot_pairs(x0, x0 + 0.01)
        assert perm.tolist() == list(range(16))


@pytest.mark.exercise("flow-reflow-pairs")
class TestReflowPairs:
    def test_pairs_follow_the_flow(self):
        x1 = torch.randn(8, 2)
        x0h, x1r = flow.reflow_pairs(lambda x, t: x, x1, steps=10)
        assert torch.allclose(x1r, x1)
        assert torch.allclose(x0h, x1 * 0.9**10, atol=1e-6)
        assert not x0h.requires_grad


@pytest.mark.exercise("flow-straightness")
class TestStraightness:
    def test_constant_field_is_straight(self):
        c = torch.tensor([[1.0, -3.0]])
        s = flow.straightness(lambda x, t: c.expand_as(x), torch.randn(5, 2), steps=7)
        assert s.ndim == 0 and s.item() == pytest.approx(0.0, abs=1e-10)

    def test_time_varying_field(self):
        # v(x, t) = t(1 维):欧拉网格上 v_k = 1 − k/n,Δ = 平均值,S = 速度的方差(乘以 1)。
        n = 4
        s = flow.straightness(lambda x, t: t[:, None].to(x.dtype), torch.zeros(3, 1, dtype=torch.float64), steps=n)
        v = torch.tensor([1 - k / n for k in range(n)], dtype=torch.float64)
        assert s.item() == pytest.approx(((v - v.mean()) ** 2).mean().item())


@pytest.mark.exercise("flow-convert-velocity")
class TestConvertVelocity:
    NAMES = ["velocity", "eps", "x0", "score", "v"]

    def _truth(self, path):
        g = torch.Generator().manual_seed(5)
        x0 = torch.randn(6, 2, dtype=torch.float64, generator=g)
        eps = torch.randn(6, 2, dtype=torch.float64, generator=g)
        t = torch.rand(6, dtype=torch.float64, generator=g) * 0.8 + 0.1
        a, s, da, ds = (c.view(-1, 1) for c in _coeffs(t, path))
        xt = a * x0 + s * eps
        vals = {"velocity": da * x0 + ds * eps, "eps": eps, "x0": x0, "score": -eps / s, "v": a * eps - s * x0}
        return xt, t, vals

    def test_all_pairs_from_truth(self):
        for path in ("linear", "cosine"):
            xt, t, vals = self._truth(path)
            for src in self.NAMES:
                for tgt in self.NAMES:
                    out = flow.convert_velocity(vals[src], xt, t, src, tgt, path)
                    assert torch.allclose(out, vals[tgt], atol=1e-10), (path, src, tgt)

    def test_cosine_velocity_is_scaled_v(self):
        xt, t, vals = self._truth("cosine")
        out = flow.convert_velocity(vals["v"], xt, t, "v", "velocity", "cosine")
        assert torch.allclose(out, (math.pi / 2) * vals["v"], atol=1e-12)

    def test_bad_name(self):
        with pytest.raises(ValueError):
            flow.convert_velocity(torch.zeros(1, 1), torch.zeros(1, 1), torch.full((1,), 0.5), "mu", "eps")
