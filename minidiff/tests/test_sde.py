import math

import pytest
import torch

from minidiff import sde as S

F64 = torch.float64


def _vp_coeffs(t, beta_min=0.1, beta_max=20.0):
    """VP 转移核的系数，测试自己算（不依赖练习里的函数）。"""
    B = beta_min * t + 0.5 * (beta_max - beta_min) * t**2
    return torch.exp(-0.5 * B), torch.sqrt(1 - torch.exp(-B))


def _gauss_score_vp(m, s):
    """一维（或各向同性）高斯数据 N(m, s²) 在 VP SDE 下的精确分数。"""

    def score(x, t):
        a, sig = _vp_coeffs(t.to(F64))
        a, sig = a.to(x.dtype)[:, None], sig.to(x.dtype)[:, None]
        return -(x - a * m) / (a**2 * s**2 + sig**2)

    return score


def _mixture_score_vp(means, std, weights):
    """二维高斯混合在 VP SDE 下的精确分数（测试自己的版本）。"""

    def score(x, t):
        a, sig = _vp_coeffs(t.to(F64))
        a, sig = a[:, None, None], sig[:, None, None]
        var = a**2 * std**2 + sig**2
        diff = x[:, None, :] - a * means[None]
        logits = torch.log(weights)[None] - 0.5 * (diff**2).sum(-1) / var[..., 0]
        r = torch.softmax(logits, 1)
        return (r[..., None] * (-diff / var)).sum(1)

    return score


MEANS = torch.tensor([[-1.0, -0.5], [1.0, -0.5], [0.0, 1.0]], dtype=F64)
WEIGHTS = torch.tensor([0.5, 0.3, 0.2], dtype=F64)
STD = 0.2


def _component_fractions(x):
    d = ((x[:, None, :] - MEANS[None]) ** 2).sum(-1)
    k = d.argmin(1)
    return torch.bincount(k, minlength=3).to(F64) / x.shape[0]


@pytest.mark.exercise("sde-kernels")
class TestMarginalCoefficients:
    def test_vp_values(self):
        t = torch.tensor([0.0, 0.5, 1.0], dtype=F64)
        a, sig = S.marginal_coefficients(S.SDE("vp"), t)
        # B(0.5) = 0.05 + 2.4875 = 2.5375, B(1) = 10.05
        assert torch.allclose(a, torch.tensor([1.0, math.exp(-2.5375 / 2), math.exp(-10.05 / 2)], dtype=F64))
        assert torch.allclose(sig, torch.sqrt(1 - torch.tensor([1.0, math.exp(-2.5375), math.exp(-10.05)], dtype=F64)))
        assert a.shape == (3,) and a.dtype == F64

    def test_subvp_and_ve_values(self):
        t = torch.tensor([0.5, 1.0], dtype=F64)
        a, sig = S.marginal_coefficients(S.SDE("subvp"), t)
        assert torch.allclose(sig, 1 - torch.exp(-torch.tensor([2.5375, 10.05], dtype=F64)))
        assert torch.allclose(a, torch.exp(-torch.tensor([2.5375, 10.05], dtype=F64) / 2))
        a, sig = S.marginal_coefficients(S.SDE("ve"), t)
        assert torch.allclose(a, torch.ones(2, dtype=F64))
        s_half = 0.01 * 5000**0.5
        assert torch.allclose(sig, torch.tensor([math.sqrt(s_half**2 - 1e-4), math.sqrt(2500 - 1e-4)], dtype=F64))

    @pytest.mark.parametrize("kind", ["vp", "subvp", "ve"])
    def test_against_monte_carlo(self, kind):
        # 用很细的欧拉–丸山（测试自己写的循环）模拟到 t = 0.3，与闭式核比较均值与方差。
        sde = S.SDE(kind)
        t_end = 0.3
        a, sig = S.marginal_coefficients(sde, torch.tensor(t_end, dtype=F64))
        g = torch.Generator().manual_seed(0)
        n, steps = 40_000, 600
        x = torch.full((n, 1), 1.5, dtype=F64)
        dt = t_end / steps
        for i in range(steps):
            t = torch.full((n,), i * dt, dtype=F64)
            x = x + sde.drift(x, t) * dt + sde.diffusion(t)[:, None] * math.sqrt(dt) * torch.randn(x.shape, generator=g, dtype=F64)
        assert abs(x.mean().item() - 1.5 * a.item()) < 4 * sig.item() / math.sqrt(n) + 2e-3 * (1 + sig.item())
        assert abs(x.var().item() / sig.item() ** 2 - 1) < 0.03


@pytest.mark.exercise("euler-maruyama")
class TestEulerMaruyama:
    def test_deterministic_is_euler(self):
        x = torch.ones(4, 2, dtype=F64)
        grid = torch.linspace(0, 1, 11, dtype=F64)
        out = S.euler_maruyama(x, lambda y, t: -y, lambda t: torch.zeros_like(t), grid)
        assert torch.allclose(out, torch.full((4, 2), 0.9**10, dtype=F64))

    def test_one_step_uses_generator(self):
        x = torch.zeros(3, 2)
        grid = torch.tensor([0.0, 0.25], dtype=F64)
        out = S.euler_maruyama(x, lambda y, t: torch.ones_like(y), lambda t: 2 * torch.ones_like(t), grid,
                               generator=torch.Generator().manual_seed(7))
        z = torch.randn((3, 2), generator=torch.Generator().manual_seed(7), dtype=torch.float32)
        assert out.dtype == torch.float32
        assert torch.allclose(out, 0.25 + 2 * 0.5 * z, atol=1e-6)

    def test_path_and_time_argument(self):
        seen = []

        def drift(y, t):
            seen.append(t)
            return torch.zeros_like(y)

        grid = torch.tensor([1.0, 0.5, 0.0], dtype=F64)
        path = S.euler_maruyama(torch.zeros(5, 1), drift, lambda t: torch.ones_like(t), grid,
                                generator=torch.Generator().manual_seed(0), return_path=True)
        assert path.shape == (3, 5, 1)
        assert torch.equal(path[0], torch.zeros(5, 1))
        assert seen[0].shape == (5,) and torch.allclose(seen[1].double(), torch.full((5,), 0.5, dtype=F64))

    def test_ou_variance(self):
        # dx = −x dt + √2 dw 从 x = 0 出发：Var x(1) = 1 − e^{−2}；100 步的欧拉–丸山偏差约 −0.9%。
        g = torch.Generator().manual_seed(1)
        grid = torch.linspace(0, 1, 101, dtype=F64)
        x = S.euler_maruyama(torch.zeros(50_000, 1, dtype=F64), lambda y, t: -y,
                             lambda t: math.sqrt(2) * torch.ones_like(t), grid, generator=g)
        assert abs(x.var().item() / (1 - math.exp(-2)) - 1) < 0.03


@pytest.mark.exercise("gmm-marginal-score")
class TestGMMScore:
    def test_against_autograd(self):
        g = torch.Generator().manual_seed(0)
        x = torch.randn(64, 2, generator=g, dtype=F64) * 1.5
        a = torch.rand(64, generator=g, dtype=F64)
        sig = torch.sqrt(1 - a**2)
        stds = torch.tensor([0.2, 0.5, 0.1], dtype=F64)
        xr = x.clone().requires_grad_(True)
        var = a[:, None] ** 2 * stds[None] ** 2 + sig[:, None] ** 2
        diff = xr[:, None, :] - a[:, None, None] * MEANS[None]
        logp = torch.logsumexp(torch.log(WEIGHTS)[None] - 0.5 * (diff**2).sum(-1) / var - torch.log(var), 1)
        want, = torch.autograd.grad(logp.sum(), xr)
        got = S.gmm_score(x, a, sig, MEANS, stds, WEIGHTS)
        assert got.shape == (64, 2) and got.dtype == F64
        assert torch.allclose(got, want, atol=1e-10)

    def test_single_component_and_far_point(self):
        m = torch.tensor([[2.0, -1.0]], dtype=F64)
        x = torch.tensor([[0.0, 0.0], [300.0, 0.0]], dtype=F64)
        got = S.gmm_score(x, torch.tensor(0.5, dtype=F64), torch.tensor(0.6, dtype=F64), m,
                          torch.tensor([0.4], dtype=F64), torch.tensor([1.0], dtype=F64))
        want = -(x - 0.5 * m) / (0.25 * 0.16 + 0.36)
        assert torch.isfinite(got).all()
        assert torch.allclose(got, want)


@pytest.mark.exercise("reverse-sde-sampler")
class TestReverseSDE:
    def test_gaussian_data(self):
        g = torch.Generator().manual_seed(0)
        sde = S.SDE("vp")
        x = sde.prior_sample((20_000, 1), generator=g, dtype=F64)
        out = S.reverse_sde_sample(sde, _gauss_score_vp(2.0, 0.5), x, 500, generator=g)
        assert out.shape == (20_000, 1) and out.dtype == F64
        assert abs(out.mean().item() - 2.0) < 0.02
        assert abs(out.std().item() - 0.5) < 0.02

    def test_mixture_weights(self):
        g = torch.Generator().manual_seed(1)
        sde = S.SDE("vp")
        x = sde.prior_sample((10_000, 2), generator=g, dtype=F64)
        out = S.reverse_sde_sample(sde, _mixture_score_vp(MEANS, STD, WEIGHTS), x, 500, generator=g)
        assert torch.allclose(_component_fractions(out), WEIGHTS, atol=0.025)


@pytest.mark.exercise("pc-sampler")
class TestPC:
    def test_gaussian_data_and_calls(self):
        calls = []
        score = _gauss_score_vp(2.0, 0.5)

        def counted(x, t):
            calls.append(1)
            return score(x, t)

        g = torch.Generator().manual_seed(0)
        sde = S.SDE("vp")
        x = sde.prior_sample((20_000, 1), generator=g, dtype=F64)
        out = S.predictor_corrector_sample(sde, counted, x, 200, n_corrector=2, generator=g)
        assert len(calls) == 200 * 3
        assert abs(out.mean().item() - 2.0) < 0.02
        assert abs(out.std().item() - 0.5) < 0.02

    def test_mixture_weights(self):
        g = torch.Generator().manual_seed(2)
        sde = S.SDE("vp")
        x = sde.prior_sample((10_000, 2), generator=g, dtype=F64)
        out = S.predictor_corrector_sample(sde, _mixture_score_vp(MEANS, STD, WEIGHTS), x, 200, generator=g)
        assert torch.allclose(_component_fractions(out), WEIGHTS, atol=0.025)


@pytest.mark.exercise("pf-ode-sampler")
class TestPFODE:
    def test_gaussian_data_exact_map(self):
        # 高斯数据的概率流是线性的：x(1) = z 映到 x(t_eps) = a m + √(a² s² + σ²) z（t_eps 处的边缘）。
        sde = S.SDE("vp")
        z = torch.linspace(-2, 2, 9, dtype=F64)[:, None]
        a, sig = _vp_coeffs(torch.tensor(1e-3, dtype=F64))
        a1, sig1 = _vp_coeffs(torch.tensor(1.0, dtype=F64))
        x1 = a1 * 2.0 + torch.sqrt(a1**2 * 0.25 + sig1**2) * z
        want = a * 2.0 + torch.sqrt(a**2 * 0.25 + sig**2) * z
        err = {}
        for method in ["euler", "heun"]:
            out = S.pf_ode_sample(sde, _gauss_score_vp(2.0, 0.5), x1, 100, method=method)
            assert out.shape == x1.shape and out.dtype == F64
            err[method] = (out - want).abs().max().item()
        assert err["heun"] < 2e-3
        assert err["heun"] < err["euler"] / 5

    def test_deterministic_and_calls(self):
        calls = []
        score = _mixture_score_vp(MEANS, STD, WEIGHTS)

        def counted(x, t):
            calls.append(1)
            return score(x, t)

        x = torch.randn(100, 2, generator=torch.Generator().manual_seed(0), dtype=F64)
        a = S.pf_ode_sample(S.SDE("vp"), counted, x, 20, method="heun")
        b = S.pf_ode_sample(S.SDE("vp"), score, x, 20, method="heun")
        assert len(calls) == 40
        assert torch.equal(a, b)


@pytest.mark.exercise("pf-ode-likelihood")
class TestLikelihood:
    def _true_logp(self, x, t, m, s):
        a, sig = _vp_coeffs(torch.tensor(t, dtype=F64))
        v = a**2 * s**2 + sig**2
        return (-0.5 * (x - a * m) ** 2 / v - 0.5 * torch.log(2 * math.pi * v)).sum(1)

    def test_exact_divergence_1d(self):
        # 数据均值取 0：先验 N(0, I) 与真实 p_1 只差 ~10⁻⁵ 的方差，误差全部来自积分本身。
        x = torch.tensor([[-1.0], [0.5], [1.2], [2.0]], dtype=F64)
        got = S.pf_ode_log_likelihood(S.SDE("vp"), _gauss_score_vp(0.0, 0.5), x, n_steps=200)
        want = self._true_logp(x, 1e-3, 0.0, 0.5)
        assert got.shape == (4,) and got.dtype == F64 and not got.requires_grad
        assert torch.allclose(got, want, atol=5e-3)

    def test_hutchinson_2d_mixture(self):
        g = torch.Generator().manual_seed(0)
        x = torch.tensor([[-1.0, -0.5], [0.9, -0.4], [0.0, 1.1], [0.3, 0.2]], dtype=F64)
        score = _mixture_score_vp(MEANS, STD, WEIGHTS)
        exact = S.pf_ode_log_likelihood(S.SDE("vp"), score, x, n_steps=200)
        a, sig = _vp_coeffs(torch.tensor(1e-3, dtype=F64))
        v = a**2 * STD**2 + sig**2
        diff = x[:, None, :] - a * MEANS[None]
        true = torch.logsumexp(torch.log(WEIGHTS)[None] - 0.5 * (diff**2).sum(-1) / v - torch.log(2 * math.pi * v), 1)
        assert torch.allclose(exact, true, atol=0.02)
        # 位于分量中心附近的三个点；一个探针的估计是随机的，对 200 次重复取平均后接近真值。
        est = S.pf_ode_log_likelihood(S.SDE("vp"), score, x[:3].repeat(200, 1), n_steps=100, n_probes=1, generator=g)
        est = est.reshape(200, 3)
        assert est.std(0).min() > 1e-3
        assert torch.allclose(est.mean(0), true[:3], atol=0.1)


@pytest.mark.exercise("edm-time-grid")
class TestEDMGrid:
    def test_values(self):
        s = S.edm_sigma_steps(18)
        assert s.shape == (19,) and s.dtype == F64
        assert s[0].item() == pytest.approx(80.0) and s[17].item() == pytest.approx(0.002) and s[18].item() == 0.0
        mid = (80 ** (1 / 7) + 0.5 * (0.002 ** (1 / 7) - 80 ** (1 / 7))) ** 7
        assert S.edm_sigma_steps(3)[1].item() == pytest.approx(mid)
        assert (s[1:] < s[:-1]).all()


def _edm_sigmas(n):
    """EDM 的噪声水平网格（测试自己算，不依赖练习 edm-time-grid）。"""
    i = torch.arange(n, dtype=F64)
    s = (80 ** (1 / 7) + i / (n - 1) * (0.002 ** (1 / 7) - 80 ** (1 / 7))) ** 7
    return torch.cat([s, torch.zeros(1, dtype=F64)])


@pytest.mark.exercise("edm-heun")
class TestEDMHeun:
    def test_gaussian_data(self):
        # 数据 N(0, 0.5²)：p(x; σ) = N(0, 0.25 + σ²)，精确的 ODE 把 z √(0.25 + σ_max²) 映到 0.5 z。
        score = lambda x, s: -x / (0.25 + s[:, None] ** 2)
        z = torch.linspace(-2, 2, 9, dtype=F64)[:, None]
        x = z * math.sqrt(0.25 + 80.0**2)
        calls = []

        def counted(y, s):
            calls.append(1)
            return score(y, s)

        out = S.edm_heun_sample(counted, x, _edm_sigmas(18))
        assert len(calls) == 35
        assert out.dtype == F64
        # 18 个噪声水平（35 次调用）时标准差偏大约 5.5%：x = 0.5276 z；网格加密到 200 个时误差降到 10⁻³ 以下。
        assert torch.allclose(out, 0.5276 * z, atol=2e-3)
        fine = S.edm_heun_sample(score, x, _edm_sigmas(200))
        assert torch.allclose(fine, 0.5 * z, atol=1e-3)
