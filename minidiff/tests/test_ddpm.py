import math

import pytest
import torch
from torch import nn

from minidiff import ddpm

LINEAR = torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64)


def _abar(betas):
    return torch.cumprod(1 - betas, dim=0)


@pytest.mark.exercise("posterior-mean-var")
class TestPosterior:
    def test_coefficients_linear_schedule(self):
        # x0 = 1, x_t = 0 给出 x0 的系数;x0 = 0, x_t = 1 给出 x_t 的系数。
        for t, c0, ct, var in [
            (2, 0.5452914995102903, 0.4547084989905303, 5.4531876613021935e-05),
            (500, 0.003070071114264977, 0.9941066702101666, 0.01003135541461369),
            (1000, 0.00012835148717224682, 0.9899486782675173, 0.01999998352656061),
        ]:
            x0 = torch.tensor([[1.0], [0.0]], dtype=torch.float64)
            xt = torch.tensor([[0.0], [1.0]], dtype=torch.float64)
            mean, v = ddpm.posterior_mean_variance(x0, xt, torch.tensor([t, t]), LINEAR)
            assert mean[0, 0].item() == pytest.approx(c0, rel=1e-8)
            assert mean[1, 0].item() == pytest.approx(ct, rel=1e-8)
            assert v.shape == (2, 1)
            assert v[0, 0].item() == pytest.approx(var, rel=1e-8)

    def test_t_equals_one(self):
        x0 = torch.randn(4, 3)
        xt = torch.randn(4, 3)
        mean, var = ddpm.posterior_mean_variance(x0, xt, torch.ones(4, dtype=torch.long), LINEAR)
        assert torch.allclose(mean, x0, atol=1e-6)
        assert torch.allclose(var, torch.zeros_like(var))

    def test_consistency_identities(self):
        # E[x_{t−1} | x0] = c0 x0 + ct E[x_t | x0] = √ᾱ_{t−1} x0,且 β̃_t + ct² (1 − ᾱ_t) = 1 − ᾱ_{t−1}。
        betas = torch.linspace(1e-3, 0.1, 50, dtype=torch.float64)
        ab = _abar(betas)
        t = torch.arange(2, 51)
        one, zero = torch.ones(49, 1, dtype=torch.float64), torch.zeros(49, 1, dtype=torch.float64)
        c0 = ddpm.posterior_mean_variance(one, zero, t, betas)[0][:, 0]
        ct, var = ddpm.posterior_mean_variance(zero, one, t, betas)
        ct, var = ct[:, 0], var[:, 0]
        assert torch.allclose(c0 + ct * ab[t - 1].sqrt(), ab[t - 2].sqrt(), atol=1e-12)
        assert torch.allclose(var + ct**2 * (1 - ab[t - 1]), 1 - ab[t - 2], atol=1e-12)

    def test_image_shapes_and_dtype(self):
        x0 = torch.randn(3, 1, 8, 8)
        mean, var = ddpm.posterior_mean_variance(x0, torch.randn(3, 1, 8, 8), torch.tensor([1, 50, 999]), LINEAR)
        assert mean.shape == (3, 1, 8, 8)
        assert var.shape == (3, 1, 1, 1)
        assert mean.dtype == torch.float32 and var.dtype == torch.float32


@pytest.mark.exercise("gaussian-kl")
class TestGaussianKL:
    # 方差以对数方差 ℓ = log s² 传入。
    def test_values(self):
        log = lambda v: torch.tensor(math.log(v))  # noqa: E731
        kl = ddpm.gaussian_kl(torch.tensor(0.0), log(1.0), torch.tensor(1.0), log(2.0))
        assert kl.item() == pytest.approx(0.5 * math.log(2), rel=1e-6)
        # 书中的例子:KL(N(1, 0.5) ‖ N(0, 1)) = 0.596574,反过来 1.153426
        kl = ddpm.gaussian_kl(torch.tensor(1.0), log(0.5), torch.tensor(0.0), log(1.0))
        assert kl.item() == pytest.approx(0.5965735902799727, rel=1e-6)
        kl = ddpm.gaussian_kl(torch.tensor(0.0), log(1.0), torch.tensor(1.0), log(0.5))
        assert kl.item() == pytest.approx(1.1534264097200273, rel=1e-6)

    def test_prior_term_double(self):
        # 3.3.4 节的 L_T(一维,x0 = 1,线性调度):均值 √ᾱ_T,对数方差 log1p(−ᾱ_T),对 N(0, 1)
        abT = torch.tensor(4.0358297653756754e-05, dtype=torch.float64)
        zero = torch.tensor(0.0, dtype=torch.float64)
        kl = ddpm.gaussian_kl(abT.sqrt(), torch.log1p(-abT), zero, zero)
        assert kl.item() == pytest.approx(2.0179555835908856e-05, rel=1e-9)

    def test_zero_for_equal_and_nonnegative(self, gen):
        m, lv = torch.randn(100, generator=gen), torch.randn(100, generator=gen)
        assert torch.allclose(ddpm.gaussian_kl(m, lv, m, lv), torch.zeros(100), atol=1e-6)
        m2, lv2 = torch.randn(100, generator=gen), torch.randn(100, generator=gen)
        assert bool((ddpm.gaussian_kl(m, lv, m2, lv2) >= -1e-6).all())

    def test_broadcasting(self):
        kl = ddpm.gaussian_kl(torch.zeros(4, 3), torch.zeros(4, 1), torch.zeros(1, 3), torch.tensor(0.0))
        assert kl.shape == (4, 3)
        assert torch.allclose(kl, torch.zeros(4, 3))


@pytest.mark.exercise("param-convert")
class TestConvert:
    def _setup(self, gen):
        ab = torch.tensor([0.99, 0.7, 0.3, 0.01], dtype=torch.float64)
        t = torch.tensor([1, 2, 3, 4])
        x0 = torch.randn(4, 2, generator=gen)
        eps = torch.randn(4, 2, generator=gen)
        a = ab.sqrt().float()[:, None]
        s = (1 - ab).sqrt().float()[:, None]
        return ab, t, a * x0 + s * eps, {"eps": eps, "x0": x0, "v": a * eps - s * x0}

    def test_all_directions(self, gen):
        ab, t, xt, vals = self._setup(gen)
        for src in vals:
            for dst in vals:
                out = ddpm.convert_prediction(vals[src], xt, t, ab, src, dst)
                assert out.shape == (4, 2)
                assert torch.allclose(out, vals[dst], atol=1e-4), (src, dst)

    def test_unknown_name(self, gen):
        ab, t, xt, vals = self._setup(gen)
        with pytest.raises(ValueError):
            ddpm.convert_prediction(vals["eps"], xt, t, ab, "eps", "score")


@pytest.mark.exercise("loss-simple")
class TestLossSimple:
    def test_zero_model(self, gen):
        ab = torch.tensor([0.64, 0.36], dtype=torch.float64)  # √ᾱ = 0.8, 0.6
        x0 = torch.randn(6, 2, generator=gen)
        eps = torch.randn(6, 2, generator=gen)
        t = torch.tensor([1, 2, 1, 2, 1, 2])
        zero = lambda x, t: torch.zeros_like(x)  # noqa: E731
        assert ddpm.loss_simple(zero, x0, ab, t, eps).item() == pytest.approx(eps.pow(2).mean().item(), rel=1e-5)
        assert ddpm.loss_simple(zero, x0, ab, t, eps, prediction="x0").item() == pytest.approx(
            x0.pow(2).mean().item(), rel=1e-5)
        a = torch.tensor([0.8, 0.6])[t - 1][:, None]
        s = torch.tensor([0.6, 0.8])[t - 1][:, None]
        v = a * eps - s * x0
        assert ddpm.loss_simple(zero, x0, ab, t, eps, prediction="v").item() == pytest.approx(
            v.pow(2).mean().item(), rel=1e-5)

    def test_model_sees_x_t(self, gen):
        ab = torch.tensor([0.64, 0.36], dtype=torch.float64)
        x0 = torch.randn(4, 2, generator=gen)
        eps = torch.randn(4, 2, generator=gen)
        t = torch.tensor([2, 2, 1, 1])
        seen = {}

        def model(x, tt):
            seen["x"], seen["t"] = x, tt
            return eps  # 完美的 ε 预测
        assert ddpm.loss_simple(model, x0, ab, t, eps).item() == pytest.approx(0.0, abs=1e-10)
        a = torch.tensor([0.8, 0.6])[t - 1][:, None]
        assert torch.allclose(seen["x"], a * x0 + (1 - a**2).sqrt() * eps, atol=1e-6)
        assert torch.equal(seen["t"], t)

    def test_random_t(self):
        torch.manual_seed(0)
        ts = []

        def model(x, t):
            ts.append(t)
            return torch.zeros_like(x)
        for _ in range(50):
            ddpm.loss_simple(model, torch.randn(64, 2), _abar(LINEAR))
        t = torch.cat(ts)
        assert t.shape == (3200,)
        assert not t.is_floating_point()
        assert t.min().item() >= 1 and t.max().item() <= 1000
        assert t.min().item() <= 10 and t.max().item() >= 990  # 覆盖了两端

    def test_differentiable(self, gen):
        lin = nn.Linear(2, 2)
        loss = ddpm.loss_simple(lambda x, t: lin(x), torch.randn(8, 2, generator=gen), _abar(LINEAR))
        assert loss.dim() == 0
        loss.backward()
        assert lin.weight.grad is not None


class _TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(3, 64), nn.SiLU(), nn.Linear(64, 64), nn.SiLU(), nn.Linear(64, 2))

    def forward(self, x, t):
        return self.net(torch.cat([x, t[:, None].float() / 1000], dim=1))


class _CountingEMA:
    def __init__(self):
        self.calls = 0

    def update(self, model):
        self.calls += 1


@pytest.mark.exercise("ddpm-train-step")
class TestTrainStep:
    def test_loss_decreases_and_ema_called(self):
        torch.manual_seed(0)
        net = _TinyNet()
        opt = torch.optim.Adam(net.parameters(), lr=2e-3)
        ema = _CountingEMA()
        ab = _abar(LINEAR)
        data = torch.randn(256, 2) * 0.3 + torch.tensor([1.0, -1.0])
        losses = [ddpm.train_step(net, opt, data, ab, ema=ema) for _ in range(400)]
        assert all(isinstance(v, float) for v in losses)
        assert ema.calls == 400
        first = sum(losses[:50]) / 50
        last = sum(losses[-50:]) / 50
        assert last < 0.9 * first

    def test_gradient_clipping(self):
        torch.manual_seed(0)
        net = _TinyNet()
        before = [p.detach().clone() for p in net.parameters()]
        opt = torch.optim.SGD(net.parameters(), lr=1.0)
        ddpm.train_step(net, opt, torch.randn(32, 2), _abar(LINEAR), max_grad_norm=1e-6)
        change = torch.sqrt(sum(((p.detach() - b) ** 2).sum() for p, b in zip(net.parameters(), before)))
        assert 0 < change.item() <= 1e-6 * 1.01

    def test_other_prediction_targets(self):
        torch.manual_seed(0)
        net = _TinyNet()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        for pred in ("x0", "v"):
            assert isinstance(ddpm.train_step(net, opt, torch.randn(16, 2), _abar(LINEAR), prediction=pred), float)


def _gaussian_models(betas, mu0, s):
    """数据 x0 ~ N(mu0, s²) 时的精确预测:E[ε | x_t]、E[x0 | x_t]、E[v | x_t]。"""
    ab = _abar(betas)

    def coeffs(t):
        a2 = ab[t - 1].float()[:, None]
        return a2.sqrt(), (1 - a2).sqrt(), a2 * s * s + 1 - a2

    def eps(x, t):
        a, sg, var = coeffs(t)
        return sg * (x - a * mu0) / var

    def x0(x, t):
        a, sg, var = coeffs(t)
        return mu0 + a * s * s * (x - a * mu0) / var

    def v(x, t):
        a, sg, _ = coeffs(t)
        return a * eps(x, t) - sg * x0(x, t)

    return {"eps": eps, "x0": x0, "v": v}


@pytest.mark.exercise("ancestral-sampler")
class TestAncestralSampler:
    # T = 100 的线性调度(β 从 1e−3 到 0.2)。用精确的 ε(x_t, t) 采样一维高斯数据 N(1.5, 0.5²):
    # 输出仍是高斯,其均值与标准差可由线性高斯递推精确算出(离散化使标准差略偏离 0.5):
    #   σ_t² = β_t:均值 1.49999,标准差 0.50772;σ_t² = β̃_t:均值 1.49999,标准差 0.46822。
    BETAS = torch.linspace(1e-3, 0.2, 100, dtype=torch.float64)

    @pytest.mark.parametrize("prediction", ["eps", "x0", "v"])
    def test_gaussian_data_beta(self, prediction):
        model = _gaussian_models(self.BETAS, 1.5, 0.5)[prediction]
        g = torch.Generator().manual_seed(0)
        x = ddpm.ancestral_sample(model, (20_000, 1), self.BETAS, prediction=prediction, generator=g)
        assert x.shape == (20_000, 1)
        assert x.dtype == torch.float32
        assert abs(x.mean().item() - 1.5) < 0.015
        assert abs(x.std().item() - 0.50772) < 0.012

    def test_gaussian_data_beta_tilde(self):
        model = _gaussian_models(self.BETAS, 1.5, 0.5)["eps"]
        g = torch.Generator().manual_seed(0)
        x = ddpm.ancestral_sample(model, (20_000, 1), self.BETAS, variance="beta_tilde", generator=g)
        assert abs(x.mean().item() - 1.5) < 0.015
        assert abs(x.std().item() - 0.46822) < 0.012

    def test_model_called_from_T_down_to_1(self):
        seen = []

        def model(x, t):
            seen.append(t)
            return torch.zeros_like(x)
        ddpm.ancestral_sample(model, (3, 2), self.BETAS, generator=torch.Generator().manual_seed(0))
        assert [int(t[0]) for t in seen] == list(range(100, 0, -1))
        assert all(t.shape == (3,) and t.dtype == torch.long for t in seen)

    def test_reproducible_and_clipped(self):
        model = _gaussian_models(self.BETAS, 1.5, 0.5)["eps"]
        a = ddpm.ancestral_sample(model, (50, 2), self.BETAS, generator=torch.Generator().manual_seed(3))
        b = ddpm.ancestral_sample(model, (50, 2), self.BETAS, generator=torch.Generator().manual_seed(3))
        assert torch.equal(a, b)
        # 预测 x0 = 5 并裁剪到 [−1, 1]:最后一步输出的就是裁剪后的 x̂0 = 1。
        out = ddpm.ancestral_sample(lambda x, t: torch.full_like(x, 5.0), (10, 2), self.BETAS, prediction="x0",
                                    clip_x0=1.0, generator=torch.Generator().manual_seed(0))
        assert torch.allclose(out, torch.ones(10, 2), atol=1e-5)

    def test_record_every(self):
        model = _gaussian_models(self.BETAS, 1.5, 0.5)["eps"]
        x, traj = ddpm.ancestral_sample(model, (500, 2), self.BETAS, generator=torch.Generator().manual_seed(5),
                                        record_every=25)
        assert sorted(traj) == [0, 25, 50, 75, 100]
        assert all(v.shape == (500, 2) for v in traj.values())
        assert torch.equal(traj[0], x)
        # 同一个种子、不记录时得到同样的样本
        y = ddpm.ancestral_sample(model, (500, 2), self.BETAS, generator=torch.Generator().manual_seed(5))
        assert torch.equal(x, y)
        assert abs(traj[100].std().item() - 1.0) < 0.1  # x_T ~ N(0, I)
        # T 不是 k 的倍数时 t = T 也要记录
        _, traj = ddpm.ancestral_sample(model, (5, 2), self.BETAS, generator=torch.Generator().manual_seed(5),
                                        record_every=30)
        assert sorted(traj) == [0, 30, 60, 90, 100]


@pytest.mark.exercise("discrete-decoder")
class TestDiscreteDecoder:
    LEVELS = torch.arange(17, dtype=torch.float32) / 8 - 1  # digits_8x8 的 17 个灰度值

    @staticmethod
    def _log_var(std):
        return torch.tensor(2 * math.log(std))

    def test_sums_to_one(self):
        for mean, std in [(0.13, 0.2), (-0.9, 0.05), (0.0, 1.5)]:
            p = torch.exp(ddpm.discretized_gaussian_log_likelihood(
                self.LEVELS, torch.tensor(mean), self._log_var(std), 17))
            assert p.sum().item() == pytest.approx(1.0, abs=1e-5)
        levels = torch.arange(256, dtype=torch.float32) * 2 / 255 - 1  # 8 位图像的 256 个取值
        p = torch.exp(ddpm.discretized_gaussian_log_likelihood(levels, torch.tensor(0.3), self._log_var(0.1)))
        assert p.sum().item() == pytest.approx(1.0, abs=1e-5)

    def test_values(self):
        x = torch.tensor([-1.0, 0.0, 1.0])
        ll = ddpm.discretized_gaussian_log_likelihood(x, torch.tensor(0.1), self._log_var(0.3), 17)
        assert ll.shape == (3,)
        for got, want in zip(ll.tolist(), [-8.210575103759766, -1.8563770055770874, -5.9438676834106445]):
            assert got == pytest.approx(want, rel=1e-4)

    def test_256_bins_and_broadcasting(self):
        # μ 恰在内部格点上、s = 0.01:概率 erf((1/255)/(0.01 √2)) ≈ 0.305
        x = torch.zeros(2, 1, 4, 4)
        ll = ddpm.discretized_gaussian_log_likelihood(x, torch.zeros(2, 1, 1, 1), self._log_var(0.01), 256)
        assert ll.shape == (2, 1, 4, 4)
        assert torch.allclose(ll, torch.full_like(ll, -1.1872541904449463), atol=1e-4)
        # 边界格点 x = 1、μ = 1:概率 Φ(δ/s) = Φ(0.392) ≈ 0.6526
        ll = ddpm.discretized_gaussian_log_likelihood(torch.ones(3), torch.tensor(1.0), self._log_var(0.01), 256)
        assert torch.allclose(ll, torch.full((3,), math.log(0.6525710)), atol=1e-4)


@pytest.mark.exercise("nll-bound")
class TestVLBTerms:
    BETAS = torch.linspace(1e-3, 0.2, 50, dtype=torch.float64)  # ᾱ_T = 0.004505985481139705
    # 返回 (terms, prior):terms 形状 (B, T),第 1 列 L_0,第 t 列 L_{t−1};prior 形状 (B,);单位 nats/维。

    def test_perfect_x0_model_beta(self):
        # 网络精确给出 x0,σ_t² = β_t:KL 项只剩方差失配 ½ (log(β_t/β̃_t) + β̃_t/β_t − 1),每一维都一样。
        x0 = torch.randn(4, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
        terms, prior = ddpm.vlb_terms(lambda x, t: x0, x0, self.BETAS, prediction="x0", variance="beta",
                                      generator=torch.Generator().manual_seed(1))
        assert terms.shape == (4, 50)
        assert prior.shape == (4,)
        for k, want in [(1, 0.48309875943544235), (10, 0.007339640862914054), (48, 4.767691776930150e-07),
                        (49, 3.2036870145635275e-07)]:
            assert torch.allclose(terms[:, k], torch.full((4,), want, dtype=torch.float64), rtol=1e-6), k
        # L_0:连续高斯解码器,均值正好是 x0,方差 β_1:每维 ½ log(2π β_1)
        assert torch.allclose(terms[:, 0], torch.full((4,), 0.5 * math.log(2 * math.pi * 1e-3), dtype=torch.float64))
        # L_T:先验项,对两维取平均
        abT = 0.004505985481139705
        want = 0.5 * (abT * x0**2 - abT - math.log(1 - abT)).mean(1)
        assert torch.allclose(prior, want, rtol=1e-6)

    def test_perfect_x0_model_beta_tilde(self):
        x0 = torch.randn(3, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
        terms, _ = ddpm.vlb_terms(lambda x, t: x0, x0, self.BETAS, prediction="x0", variance="beta_tilde",
                                  generator=torch.Generator().manual_seed(1))
        assert torch.allclose(terms[:, 1:], torch.zeros(3, 49, dtype=torch.float64), atol=1e-9)

    def test_discrete_decoder(self):
        levels = (torch.arange(17, dtype=torch.float32) / 8 - 1)[None]  # 一个 17 维的「图像」
        terms, _ = ddpm.vlb_terms(lambda x, t: levels, levels, self.BETAS, prediction="x0", num_bins=17,
                                  generator=torch.Generator().manual_seed(1))
        # 15 个内部格点各 −log(Φ(δ/σ) − Φ(−δ/σ)),两端各 −log Φ(δ/σ),δ = 1/16,σ = √β_1;对 17 维取平均
        assert terms[0, 0].item() == pytest.approx(0.7882318127750769 / 17, rel=1e-4)

    def test_random_model_nonnegative_kl_and_reproducible(self):
        torch.manual_seed(0)
        net = nn.Linear(2, 2)
        model = lambda x, t: net(x)  # noqa: E731
        x0 = torch.randn(5, 2)
        a, pa = ddpm.vlb_terms(model, x0, self.BETAS, generator=torch.Generator().manual_seed(2))
        b, pb = ddpm.vlb_terms(model, x0, self.BETAS, generator=torch.Generator().manual_seed(2))
        assert torch.equal(a, b) and torch.equal(pa, pb)
        assert bool((a[:, 1:] >= -1e-6).all())
        assert bool((pa >= 0).all())
        assert a.dtype == torch.float32 and pa.dtype == torch.float32
