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
