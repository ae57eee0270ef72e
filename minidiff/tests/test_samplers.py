"""第 8 章采样器的学生测试。精确模型用 ``samplers.ExactGMM``（已实现）；时间网格在测试里直接
构造，不调用 ``time_grid``，这样每道练习只依赖它自己的骨架。"""

import math

import pytest
import torch

from minidiff import samplers

SCH = samplers.VPSchedule()


def _logsnr_grid(n, t_max=1.0, t_min=1e-3):
    u = torch.linspace(0, 1, n + 1, dtype=torch.float64)
    lam = SCH.lam(t_max) + u * (SCH.lam(t_min) - SCH.lam(t_max))
    ts = SCH.t_from_lam(lam)
    ts[0], ts[-1] = t_max, t_min
    return ts


def _gauss_exact(x, t0, t1, s=0.5):
    # N(0, s² I) 数据：概率流 ODE 把 x 按标准差之比缩放。
    v = lambda t: SCH.alpha(t) ** 2 * s**2 + SCH.sigma(t) ** 2  # noqa: E731
    return x * torch.sqrt(v(t1) / v(t0))


class Counter:
    def __init__(self, f):
        self.f, self.n = f, 0

    def __call__(self, x, t):
        assert t.shape == (x.shape[0],)
        self.n += 1
        return self.f(x, t)


def _err(fn, n, gen_seed=0):
    g = samplers.ExactGMM(torch.zeros(1, 2), 0.5)
    x = torch.randn(512, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(gen_seed))
    out = fn(g.eps, x, _logsnr_grid(n), SCH)
    return (out - _gauss_exact(x, 1.0, 1e-3)).norm(dim=1).mean().item()


def _order(fn, n=20):
    return math.log2(_err(fn, n) / _err(fn, 2 * n))


@pytest.mark.exercise("ddim-step")
class TestDDIMStep:
    def test_eta_one_is_ddpm_step(self, gen):
        # 离散线性调度，s = t − 1:η = 1 的 DDIM 一步 = 均值 μ̃_t(x_t, x̂_0)、方差 β̃_t 的 DDPM 一步。
        betas = torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64)
        ab = torch.cumprod(1 - betas, 0)
        for t in [2, 10, 500, 1000]:
            x = torch.randn(64, 2, generator=gen, dtype=torch.float64)
            e = torch.randn(64, 2, generator=gen, dtype=torch.float64)
            z = torch.randn(64, 2, generator=gen, dtype=torch.float64)
            at, as_, b = ab[t - 1], ab[t - 2], betas[t - 1]
            x0 = (x - (1 - at).sqrt() * e) / at.sqrt()
            mean = as_.sqrt() * b / (1 - at) * x0 + (1 - b).sqrt() * (1 - as_) / (1 - at) * x
            var = (1 - as_) / (1 - at) * b
            ref = mean + var.sqrt() * z
            out = samplers.ddim_step(x, e, at, as_, eta=1.0, noise=z)
            assert torch.allclose(out, ref, atol=1e-10)

    def test_eta_zero_values_and_shapes(self):
        x = torch.tensor([[1.0, -2.0]], dtype=torch.float64)
        e = torch.tensor([[0.5, 0.25]], dtype=torch.float64)
        out = samplers.ddim_step(x, e, 0.25, 0.81)
        # x̂_0 = (x − √0.75 e) / 0.5, x_s = 0.9 x̂_0 + √0.19 e
        x0 = (x - math.sqrt(0.75) * e) / 0.5
        assert torch.allclose(out, 0.9 * x0 + math.sqrt(0.19) * e, atol=1e-12)
        # 逐样本的 ᾱ 与图像形状
        x = torch.randn(3, 1, 4, 4)
        ab_t = torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)
        ab_s = torch.tensor([0.2, 0.6, 0.95], dtype=torch.float64)
        out = samplers.ddim_step(x, torch.zeros_like(x), ab_t, ab_s)
        assert out.shape == x.shape and out.dtype == x.dtype
        assert torch.allclose(out[1], x[1] * math.sqrt(0.6 / 0.5), atol=1e-6)

    def test_eta_needs_noise(self):
        x = torch.zeros(2, 2)
        with pytest.raises(ValueError):
            samplers.ddim_step(x, x, 0.5, 0.6, eta=0.5)


@pytest.mark.exercise("ddim-sample")
class TestDDIMSample:
    def test_nfe_and_first_order(self):
        m = Counter(samplers.ExactGMM(torch.zeros(1, 2), 0.5).eps)
        x = torch.randn(8, 2, dtype=torch.float64)
        samplers.ddim_sample(m, x, _logsnr_grid(7), SCH)
        assert m.n == 7
        # 一阶方法：步数加倍，误差约减半（实测比约 0.96 阶）。
        assert 0.8 < _order(samplers.ddim_sample) < 1.15
        assert _err(samplers.ddim_sample, 200) < 0.01

    def test_eta_one_is_stochastic_and_reproducible(self):
        g = samplers.ExactGMM(torch.zeros(1, 2), 0.5)
        x = torch.randn(4000, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
        ts = _logsnr_grid(50)
        a = samplers.ddim_sample(g.eps, x, ts, SCH, eta=1.0, generator=torch.Generator().manual_seed(5))
        b = samplers.ddim_sample(g.eps, x, ts, SCH, eta=1.0, generator=torch.Generator().manual_seed(5))
        assert torch.equal(a, b)
        # 真实边缘在 t_min 处的标准差约 0.5;η = 1 的跳步祖先采样方差偏小（实测 50 步约 0.46，见 8.1 节）。
        assert 0.43 < a.std().item() < 0.48
        assert not torch.allclose(a, _gauss_exact(x, 1.0, 1e-3), atol=1e-2)


@pytest.mark.exercise("time-grid")
class TestTimeGrid:
    def test_uniform(self):
        ts = samplers.time_grid(4, "uniform", t_max=1.0, t_min=0.2)
        assert ts.dtype == torch.float64
        assert torch.allclose(ts, torch.tensor([1.0, 0.8, 0.6, 0.4, 0.2], dtype=torch.float64))

    def test_logsnr_and_edm(self):
        for kind in ["logsnr", "edm"]:
            ts = samplers.time_grid(10, kind, SCH)
            assert ts.shape == (11,)
            assert ts[0].item() == 1.0 and ts[-1].item() == 1e-3
            assert bool((ts[1:] < ts[:-1]).all())
        lam = SCH.lam(samplers.time_grid(10, "logsnr", SCH))
        d = lam[1:] - lam[:-1]
        assert torch.allclose(d, d.mean().expand(10), atol=1e-9)
        sb = torch.exp(-SCH.lam(samplers.time_grid(10, "edm", SCH, rho=7.0)) / 2) ** (1 / 7)
        d = sb[1:] - sb[:-1]
        assert torch.allclose(d, d.mean().expand(10), atol=1e-9)
        # 数值（t_max = 1,t_min = 10⁻³，默认调度）：中点 ts[5]
        assert samplers.time_grid(10, "logsnr", SCH)[5].item() == pytest.approx(0.30463, abs=2e-4)
        assert samplers.time_grid(10, "edm", SCH)[5].item() == pytest.approx(0.59214, abs=2e-4)

    def test_bad_kind(self):
        with pytest.raises(ValueError):
            samplers.time_grid(3, "cosine")


@pytest.mark.exercise("dpm-solver")
class TestDPMSolver:
    def test_order_one_is_ddim(self):
        g = samplers.ExactGMM.eight_gaussians()
        x = torch.randn(256, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
        ts = _logsnr_grid(6)
        out = samplers.dpm_solver_sample(g.eps, x, ts, SCH, order=1)
        ref = x
        for i in range(6):  # DDIM(η = 0),直接写出
            t, s = ts[i], ts[i + 1]
            e = g.eps(ref, torch.full((256,), float(t), dtype=torch.float64))
            x0 = (ref - SCH.sigma(t) * e) / SCH.alpha(t)
            ref = SCH.alpha(s) * x0 + SCH.sigma(s) * e
        assert torch.allclose(out, ref, atol=1e-9)

    def test_nfe(self):
        for order in [1, 2, 3]:
            m = Counter(samplers.ExactGMM(torch.zeros(1, 2), 0.5).eps)
            samplers.dpm_solver_sample(m, torch.randn(4, 2, dtype=torch.float64), _logsnr_grid(5), SCH, order=order)
            assert m.n == 5 * order
        with pytest.raises(ValueError):
            samplers.dpm_solver_sample(m, torch.randn(4, 2, dtype=torch.float64), _logsnr_grid(5), SCH, order=4)

    def test_measured_order(self):
        f2 = lambda m, x, ts, s: samplers.dpm_solver_sample(m, x, ts, s, order=2)  # noqa: E731
        f3 = lambda m, x, ts, s: samplers.dpm_solver_sample(m, x, ts, s, order=3)  # noqa: E731
        assert 1.8 < _order(f2) < 2.3  # 实测约 2.06
        assert 2.8 < _order(f3) < 3.6  # 实测约 3.25
        assert _err(f3, 10) < 3e-3


@pytest.mark.exercise("dpm-solver-pp")
class TestDPMSolverPP:
    def test_nfe_and_order(self):
        m = Counter(samplers.ExactGMM(torch.zeros(1, 2), 0.5).eps)
        samplers.dpm_solver_pp_2m(m, torch.randn(4, 2, dtype=torch.float64), _logsnr_grid(9), SCH)
        assert m.n == 9
        assert 1.7 < _order(samplers.dpm_solver_pp_2m, 20) < 2.3  # 实测约 1.89
        assert _err(samplers.dpm_solver_pp_2m, 20) < 0.015

    def test_first_step_is_ddim(self):
        g = samplers.ExactGMM(torch.zeros(1, 2), 0.5)
        x = torch.randn(16, 2, dtype=torch.float64)
        ts = torch.tensor([1.0, 0.5], dtype=torch.float64)
        out = samplers.dpm_solver_pp_2m(g.eps, x, ts, SCH)
        e = g.eps(x, torch.ones(16, dtype=torch.float64))
        ref = SCH.alpha(0.5) * (x - SCH.sigma(1.0) * e) / SCH.alpha(1.0) + SCH.sigma(0.5) * e
        assert torch.allclose(out, ref, atol=1e-10)


@pytest.mark.exercise("heun-sampler")
class TestHeun:
    def test_nfe_and_order(self):
        m = Counter(samplers.ExactGMM(torch.zeros(1, 2), 0.5).eps)
        samplers.heun_sample(m, torch.randn(4, 2, dtype=torch.float64), _logsnr_grid(6), SCH)
        assert m.n == 12
        assert 1.8 < _order(samplers.heun_sample) < 2.3  # 实测约 2.09
        assert _err(samplers.heun_sample, 40) < 0.01
