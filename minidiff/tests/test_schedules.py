import pytest
import torch

from minidiff import schedules

# 期望值由独立的参考实现以 float64 计算。


@pytest.mark.exercise("linear-schedule")
class TestLinear:
    def test_shape_dtype_endpoints(self):
        b = schedules.linear_betas()
        assert b.shape == (1000,)
        assert b.dtype == torch.float64
        assert b[0].item() == pytest.approx(1e-4, rel=1e-12)
        assert b[-1].item() == pytest.approx(0.02, rel=1e-12)

    def test_equally_spaced(self):
        b = schedules.linear_betas(T=11, beta_start=0.0, beta_end=1.0)
        assert torch.allclose(b, torch.arange(11, dtype=torch.float64) / 10, atol=1e-15)


@pytest.mark.exercise("alpha-bar-cumprod")
class TestAlphaBar:
    def test_small_example(self):
        b = torch.tensor([0.1, 0.5, 0.2], dtype=torch.float64)
        ab = schedules.alpha_bar(b)
        assert ab.dtype == torch.float64
        assert torch.allclose(ab, torch.tensor([0.9, 0.45, 0.36], dtype=torch.float64), atol=1e-15)

    def test_linear_schedule_values(self):
        ab = schedules.alpha_bar(torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64))
        assert ab.shape == (1000,)
        assert ab[0].item() == pytest.approx(0.9999, rel=1e-12)
        assert ab[249].item() == pytest.approx(0.5240853738253606, rel=1e-9)
        assert ab[499].item() == pytest.approx(0.07858724288177824, rel=1e-9)
        assert ab[-1].item() == pytest.approx(4.0358297653756754e-05, rel=1e-8)  # ᾱ_T ≈ 4.04e-5
        assert bool((ab[1:] < ab[:-1]).all())


@pytest.mark.exercise("cosine-schedule")
class TestCosine:
    def test_betas(self):
        b = schedules.cosine_betas()
        assert b.shape == (1000,)
        assert b.dtype == torch.float64
        assert b[0].item() == pytest.approx(4.128422482196914e-05, rel=1e-8)
        assert b[1].item() == pytest.approx(4.614175273665033e-05, rel=1e-8)
        assert b[998].item() == pytest.approx(0.7499993929011166, rel=1e-8)
        assert b[-1].item() == pytest.approx(0.999, rel=1e-12)  # 截断只发生在最后一步
        assert bool((b[:-1] < 0.999).all())

    def test_alpha_bar_values(self):
        ab = torch.cumprod(1 - schedules.cosine_betas(), dim=0)
        for t, want in [(1, 0.999958715775178), (250, 0.847012161326905), (500, 0.4938435904406382),
                        (750, 0.14427210238573598), (999, 2.4287669070348544e-06), (1000, 2.4287669070348567e-09)]:
            assert ab[t - 1].item() == pytest.approx(want, rel=1e-8), t

    def test_parameters(self):
        b = schedules.cosine_betas(T=10, s=0.0, max_beta=0.5)
        assert b.shape == (10,)
        assert b.max().item() == pytest.approx(0.5)
        # s = 0:ᾱ_1 = cos²(π/20)
        assert 1 - b[0].item() == pytest.approx(0.9755282581475768, rel=1e-10)


@pytest.mark.exercise("sigmoid-schedule")
class TestSigmoid:
    def test_betas(self):
        b = schedules.sigmoid_betas()
        assert b.shape == (1000,)
        assert b.dtype == torch.float64
        assert b[0].item() == pytest.approx(0.00030027919974917605, rel=1e-7)
        assert b[499].item() == pytest.approx(0.00330341551362634, rel=1e-7)
        assert b[998].item() == pytest.approx(0.5013569029180894, rel=1e-7)
        assert b[-1].item() == pytest.approx(0.999, rel=1e-12)

    def test_alpha_bar_values(self):
        ab = torch.cumprod(1 - schedules.sigmoid_betas(), dim=0)
        for t, want in [(1, 0.9996997208002508), (250, 0.8508535479296672), (500, 0.5),
                        (750, 0.149146452070333), (999, 0.00030027919974932816)]:
            assert ab[t - 1].item() == pytest.approx(want, rel=1e-7), t

    def test_temperature(self):
        ab = torch.cumprod(1 - schedules.sigmoid_betas(start=0.0, end=3.0, tau=0.3), dim=0)
        for t, want in [(250, 0.15163933251009695), (500, 0.01329611334158015), (750, 0.0010148536808307301)]:
            assert ab[t - 1].item() == pytest.approx(want, rel=1e-7), t


@pytest.mark.exercise("log-snr")
class TestLogSNR:
    def test_values(self):
        ab = torch.tensor([0.5, 0.9999, 0.07858724288177824, 4.0358297653756754e-05], dtype=torch.float64)
        lam = schedules.log_snr(ab)
        assert lam.shape == ab.shape
        assert lam.dtype == torch.float64
        want = [0.0, 9.21024036697596, -2.461698715810472, -10.117673183301035]
        for got, w in zip(lam.tolist(), want):
            assert got == pytest.approx(w, rel=1e-9, abs=1e-12)

    def test_shape_preserved(self):
        ab = torch.full((3, 4), 0.25, dtype=torch.float64)
        lam = schedules.log_snr(ab)
        assert lam.shape == (3, 4)
        assert torch.allclose(lam, torch.full((3, 4), -1.0986122886681098, dtype=torch.float64))

    def test_endpoints(self):
        # ᾱ = 0(零终端信噪比调度的最后一步)给出 −∞,ᾱ = 1 给出 +∞
        lam = schedules.log_snr(torch.tensor([0.0, 1.0], dtype=torch.float64))
        assert lam[0].item() == float("-inf")
        assert lam[1].item() == float("inf")

    def test_tiny_alpha_bar(self):
        # ᾱ 很小时 λ ≈ log ᾱ
        lam = schedules.log_snr(torch.tensor([1e-12], dtype=torch.float64))
        assert lam.item() == pytest.approx(-27.631021115927547, rel=1e-12)


@pytest.mark.exercise("zero-terminal-snr")
class TestZeroTerminalSNR:
    def test_linear(self):
        b = torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64)
        z = schedules.rescale_zero_terminal_snr(b)
        assert z.shape == (1000,)
        assert z.dtype == torch.float64
        assert z[-1].item() == pytest.approx(1.0, abs=1e-12)  # β'_T = 1,ᾱ'_T = 0
        assert z[0].item() == pytest.approx(1e-4, rel=1e-9)  # ᾱ'_1 = ᾱ_1
        assert z[998].item() == pytest.approx(0.7522672311504667, rel=1e-8)
        ab = torch.cumprod(1 - z, dim=0)
        assert ab[499].item() == pytest.approx(0.07602875054711475, rel=1e-8)
        assert ab[-1].item() == pytest.approx(0.0, abs=1e-15)

    def test_sqrt_alpha_bar_is_affine(self):
        b = torch.linspace(1e-3, 0.05, 200, dtype=torch.float64)
        old = torch.sqrt(torch.cumprod(1 - b, dim=0))
        new = torch.sqrt(torch.cumprod(1 - schedules.rescale_zero_terminal_snr(b), dim=0).clamp_min(0))
        # new = (old − old_T) · old_1 / (old_1 − old_T)
        slope = (new[0] - new[100]) / (old[0] - old[100])
        assert torch.allclose(new, slope * (old - old[-1]), atol=1e-10)
