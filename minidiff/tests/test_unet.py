import math

import pytest
import torch

from minidiff.unet import edm_preconditioning, gaussian_denoiser


@pytest.mark.exercise("edm-preconditioning")
class TestEDMPreconditioning:
    def test_values(self):
        c_skip, c_out, c_in, c_noise = edm_preconditioning(torch.tensor([0.002, 0.5, 80.0]))
        assert torch.allclose(c_skip, torch.tensor([0.999984, 0.5, 3.90610e-5]), rtol=1e-4)
        assert torch.allclose(c_out, torch.tensor([0.00199998, 0.353553, 0.499990]), rtol=1e-4)
        assert torch.allclose(c_in, torch.tensor([1.999984, 1.414214, 0.0124998]), rtol=1e-4)
        assert torch.allclose(c_noise, torch.tensor([-1.553652, -0.173287, 1.095507]), atol=1e-5)

    def test_unit_variance_identity(self):
        sigma = torch.logspace(-3, 2, 50, dtype=torch.float64)
        for sd in (0.5, 1.0):
            c_skip, c_out, c_in, _ = edm_preconditioning(sigma, sigma_data=sd)
            # 目标方差为 1:(1 − c_skip)² σ_d² + c_skip² σ² = c_out²
            lhs = (1 - c_skip) ** 2 * sd**2 + c_skip**2 * sigma**2
            assert torch.allclose(lhs, c_out**2, rtol=1e-8)
            # 输入方差为 1
            assert torch.allclose(c_in**2 * (sd**2 + sigma**2), torch.ones_like(sigma), rtol=1e-8)

    def test_shape_and_float(self):
        out = edm_preconditioning(torch.full((4, 1, 1, 1), 2.0))
        assert all(o.shape == (4, 1, 1, 1) for o in out)
        out = edm_preconditioning(1.0)
        assert out[0].item() == pytest.approx(0.25 / 1.25)
        assert out[3].item() == pytest.approx(0.0, abs=1e-7)


@pytest.mark.exercise("gaussian-denoiser")
class TestGaussianDenoiser:
    def test_scalar_case(self):
        # 一维：E[x0|x] = μ + s²/(s² + σ²)(x − μ)
        x = torch.tensor([[2.0], [-1.0]])
        out = gaussian_denoiser(x, 0.5, torch.tensor([1.0]), torch.tensor([[4.0]]))
        want = 1.0 + 4.0 / 4.25 * (x - 1.0)
        assert out.shape == (2, 1)
        assert torch.allclose(out, want, atol=1e-6)

    def test_limits_and_dtype(self):
        g = torch.Generator().manual_seed(0)
        a = torch.randn(5, 5, generator=g, dtype=torch.float64)
        cov = a @ a.T + 0.1 * torch.eye(5, dtype=torch.float64)
        mean = torch.randn(5, generator=g, dtype=torch.float64)
        x = torch.randn(7, 5, generator=g).float()
        out0 = gaussian_denoiser(x, 0.0, mean, cov)
        assert out0.dtype == torch.float32
        assert torch.allclose(out0, x, atol=1e-5)  # 无噪声：原样输出
        big = gaussian_denoiser(x, 1e4, mean, cov)
        assert torch.allclose(big, mean.float().expand(7, 5), atol=1e-4)  # 噪声极大：输出均值

    def test_matches_monte_carlo_regression(self):
        # 后验均值是 x 的仿射函数；与最小二乘回归的系数一致
        g = torch.Generator().manual_seed(1)
        cov = torch.tensor([[1.0, 0.8], [0.8, 1.0]], dtype=torch.float64)
        L = torch.linalg.cholesky(cov)
        x0 = torch.randn(200000, 2, generator=g, dtype=torch.float64) @ L.T
        x = x0 + 0.7 * torch.randn(200000, 2, generator=g, dtype=torch.float64)
        out = gaussian_denoiser(x, 0.7, torch.zeros(2, dtype=torch.float64), cov)
        W = torch.linalg.lstsq(x, x0).solution.T
        assert torch.allclose(out, x @ W.T, atol=2e-2)
