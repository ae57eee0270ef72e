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
