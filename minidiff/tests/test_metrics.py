import math

import pytest
import torch

from minidiff.metrics import mmd_rbf, sliced_wasserstein


@pytest.mark.exercise("sliced-wasserstein")
class TestSlicedWasserstein:
    def test_identical_sets(self, gen):
        x = torch.randn(500, 2, generator=gen)
        assert sliced_wasserstein(x, x.clone(), generator=gen).item() == pytest.approx(0.0, abs=1e-6)

    def test_one_dimensional_is_exact(self, gen):
        # 一维时投影方向只有 ±1:SW_p 就是 W_p。两组点整体相差 0.5,顺序打乱也一样。
        x = torch.arange(100, dtype=torch.float32)[:, None]
        y = (x + 0.5)[torch.randperm(100, generator=gen)]
        assert sliced_wasserstein(x, y, num_projections=8, generator=gen).item() == pytest.approx(0.5, rel=1e-5)

    def test_translation(self, gen):
        # 平移 c:SW_2 = |c| / √d(对方向取平均);1000 个方向时误差约 2%。
        x = torch.randn(2000, 2, generator=gen)
        c = torch.tensor([3.0, 0.0])
        sw = sliced_wasserstein(x, x + c, num_projections=1000, generator=gen).item()
        assert sw == pytest.approx(3.0 / math.sqrt(2), rel=0.08)

    def test_scale(self, gen):
        # 一维数据:排序后 2x_(i) − x_(i) = x_(i),所以 SW_2(x, 2x) = √mean(x²) = √2(结果必须开方)。
        x = torch.tensor([[-2.0], [-1.0], [0.0], [1.0], [2.0]])
        assert sliced_wasserstein(x, 2 * x, num_projections=4, generator=gen).item() == pytest.approx(
            math.sqrt(2.0), rel=1e-6)

    def test_scalar_and_symmetric(self, gen):
        x = torch.randn(300, 3, generator=gen)
        y = torch.randn(300, 3, generator=gen) * 2
        a = sliced_wasserstein(x, y, generator=torch.Generator().manual_seed(1))
        b = sliced_wasserstein(y, x, generator=torch.Generator().manual_seed(1))
        assert a.dim() == 0
        assert a.item() > 0.3
        assert a.item() == pytest.approx(b.item(), rel=1e-5)


@pytest.mark.exercise("mmd")
class TestMMD:
    def test_same_distribution_near_zero(self, gen):
        x = torch.randn(1000, 2, generator=gen)
        y = torch.randn(1000, 2, generator=gen)
        assert abs(mmd_rbf(x, y, bandwidth=1.0).item()) < 0.01
        assert abs(mmd_rbf(x, y).item()) < 0.01  # 中位数启发式

    def test_unbiased_identical_small_sets(self):
        # 两个点 {0, 1} 与自身,单一核宽 ℓ = 1:无偏估计 = 2 · k(0,1) − 2 · (2 + 2 k(0,1)) / 4 = k − 1
        x = torch.tensor([[0.0], [1.0]])
        k = math.exp(-0.5)
        assert mmd_rbf(x, x.clone(), bandwidth=1.0).item() == pytest.approx(k - 1, rel=1e-5)
        assert mmd_rbf(x, x.clone(), bandwidth=[1.0]).item() == pytest.approx(k - 1, rel=1e-5)

    def test_shifted_gaussians_closed_form(self, gen):
        # N(0, I) 与 N(μ, I),d = 2,ℓ = 1:MMD² = 2 (ℓ²/(ℓ²+2))^{d/2} (1 − exp(−|μ|²/(2(ℓ²+2))))
        x = torch.randn(2000, 2, generator=gen)
        y = torch.randn(2000, 2, generator=gen) + torch.tensor([1.0, 0.0])
        want = 2 * (1 / 3) * (1 - math.exp(-1 / 6))
        assert mmd_rbf(x, y, bandwidth=1.0).item() == pytest.approx(want, abs=0.02)

    def test_bandwidths_add(self, gen):
        x = torch.randn(200, 2, generator=gen)
        y = torch.randn(200, 2, generator=gen) + 1
        a = mmd_rbf(x, y, bandwidth=0.5) + mmd_rbf(x, y, bandwidth=2.0)
        b = mmd_rbf(x, y, bandwidth=(0.5, 2.0))
        assert b.item() == pytest.approx(a.item(), rel=1e-5)

    def test_median_heuristic(self):
        # 拼接后的 4 个点 0, 1, 3, 7(一维):6 个成对距离 1, 2, 3, 4, 6, 7,中位数(取较小者)ℓ = 3
        x = torch.tensor([[0.0], [1.0]])
        y = torch.tensor([[3.0], [7.0]])
        assert mmd_rbf(x, y).item() == pytest.approx(mmd_rbf(x, y, bandwidth=3.0).item(), rel=1e-6)
        assert mmd_rbf(x, y).item() != pytest.approx(mmd_rbf(x, y, bandwidth=4.0).item(), rel=1e-3)
