import math

import pytest
import torch

from minidiff.nets import MLPDenoiser, SinusoidalTimeEmbedding


@pytest.mark.exercise("time-embedding")
class TestTimeEmbedding:
    def test_shape_and_values(self):
        emb = SinusoidalTimeEmbedding(8)
        t = torch.tensor([0, 1, 500])
        e = emb(t)
        assert e.shape == (3, 8)
        assert e.dtype == torch.float32
        # t = 0:四个正弦为 0,四个余弦为 1
        assert torch.allclose(e[0], torch.tensor([0.0, 0, 0, 0, 1, 1, 1, 1]))
        # 第一个频率是 1:emb[:, 0] = sin t,emb[:, h] = cos t
        assert e[1, 0].item() == pytest.approx(math.sin(1.0), abs=1e-6)
        assert e[1, 4].item() == pytest.approx(math.cos(1.0), abs=1e-6)
        # h = 4,频率 10000^(−k/3):k = 1 时 10000^(−1/3) = 0.0464159
        assert e[2, 1].item() == pytest.approx(math.sin(500 * 10000 ** (-1 / 3)), abs=1e-4)
        # 最后一个频率 10000^(−3/3) = 1e−4
        assert e[2, 3].item() == pytest.approx(math.sin(0.05), abs=1e-5)
        assert e[2, 7].item() == pytest.approx(math.cos(0.05), abs=1e-5)

    def test_max_period(self):
        e = SinusoidalTimeEmbedding(4, max_period=100.0)(torch.tensor([10.0]))
        # h = 2:频率 1 与 100^(−1) = 0.01
        want = torch.tensor([math.sin(10), math.sin(0.1), math.cos(10), math.cos(0.1)])
        assert torch.allclose(e[0], want, atol=1e-5)

    def test_unit_norm_per_pair(self):
        e = SinusoidalTimeEmbedding(64)(torch.arange(1, 1001))
        assert torch.allclose(e.pow(2).sum(1), torch.full((1000,), 32.0), atol=1e-3)

    def test_bad_dim_rejected(self):
        with pytest.raises(ValueError):
            SinusoidalTimeEmbedding(7)
        with pytest.raises(ValueError):
            SinusoidalTimeEmbedding(2)

    def test_no_parameters(self):
        assert sum(p.numel() for p in SinusoidalTimeEmbedding(16).parameters()) == 0


@pytest.mark.exercise("mlp-denoiser")
class TestMLPDenoiser:
    def test_shapes(self):
        torch.manual_seed(0)
        net = MLPDenoiser()
        x = torch.randn(5, 2)
        out = net(x, torch.tensor([1, 10, 100, 500, 1000]))
        assert out.shape == (5, 2)
        assert out.dtype == torch.float32
        net64 = MLPDenoiser(data_dim=64, hidden=64, depth=2, time_dim=32)
        assert net64(torch.randn(3, 64), torch.tensor([1, 2, 3])).shape == (3, 64)

    def test_depends_on_t(self):
        torch.manual_seed(0)
        net = MLPDenoiser(hidden=64, depth=2)
        x = torch.randn(1, 2).repeat(2, 1)
        out = net(x, torch.tensor([1, 900]))
        assert not torch.allclose(out[0], out[1], atol=1e-4)

    def test_gradients_reach_all_parameters(self):
        torch.manual_seed(0)
        net = MLPDenoiser(hidden=32, depth=2, time_dim=16)
        net(torch.randn(8, 2), torch.randint(1, 1001, (8,))).pow(2).sum().backward()
        params = list(net.named_parameters())
        assert len(params) > 0
        for name, p in params:
            assert p.grad is not None, name

    def test_can_fit_a_function_of_x_and_t(self):
        # 回归一个同时依赖 x 与 t 的目标;几百步 Adam 后损失应明显下降。
        torch.manual_seed(0)
        net = MLPDenoiser(hidden=128, depth=2, time_dim=32)
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        x = torch.randn(512, 2)
        t = torch.randint(1, 1001, (512,))
        target = torch.sin(2 * x) * (t[:, None] / 1000.0) + x.flip(1) * 0.5
        first = None
        for _ in range(400):
            opt.zero_grad()
            loss = (net(x, t) - target).pow(2).mean()
            loss.backward()
            opt.step()
            first = loss.item() if first is None else first
        assert loss.item() < 0.2 * first
