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


def _count(m):
    return sum(p.numel() for p in m.parameters())


def _randomize(m, seed=0):
    """把所有参数（包括零初始化的层）换成小的随机值，便于检查依赖关系。"""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(0.2 * torch.randn(p.shape, generator=g))
    return m


@pytest.mark.exercise("resblock")
class TestResBlock:
    def test_shapes_and_params(self):
        from minidiff.unet import ResBlock

        torch.manual_seed(0)
        b = ResBlock(16, 32, 64)
        assert b(torch.randn(2, 16, 8, 8), torch.randn(2, 64)).shape == (2, 32, 8, 8)
        assert _count(ResBlock(16, 16, 64)) == 6784
        assert _count(b) == 18688  # 多了 1×1 卷积的 16·32 + 32

    def test_identity_at_init(self):
        from minidiff.unet import ResBlock

        torch.manual_seed(0)
        b = ResBlock(16, 16, 64)
        x = torch.randn(3, 16, 4, 4)
        assert torch.allclose(b(x, torch.randn(3, 64)), x)

    def test_depends_on_emb(self):
        from minidiff.unet import ResBlock

        b = _randomize(ResBlock(8, 8, 4, groups=4))
        x = torch.randn(1, 8, 4, 4)
        e1, e2 = torch.zeros(1, 4), torch.ones(1, 4)
        assert not torch.allclose(b(x, e1), b(x, e2))

    def test_translation_equivariance_interior(self):
        # 卷积与 GroupNorm 对循环平移等变；零填充只影响边界，检查内部
        from minidiff.unet import ResBlock

        b = _randomize(ResBlock(8, 8, 4, groups=4)).eval()
        x = torch.zeros(1, 8, 16, 16)
        x[..., 4:8, 4:8] = torch.randn(1, 8, 4, 4)
        xs = torch.roll(x, shifts=(3, 2), dims=(2, 3))
        e = torch.randn(1, 4)
        y, ys = b(x, e), b(xs, e)
        # 两层 3×3 卷积：离边界 2 个像素以内受零填充影响；只比较在两幅图里都远离边界的区域
        assert torch.allclose(torch.roll(y, shifts=(3, 2), dims=(2, 3))[..., 5:14, 4:14], ys[..., 5:14, 4:14],
                              atol=1e-5)


@pytest.mark.exercise("attention2d")
class TestSelfAttention2d:
    def test_identity_at_init_and_params(self):
        from minidiff.unet import SelfAttention2d

        a = SelfAttention2d(32, heads=4)
        x = torch.randn(2, 32, 4, 4)
        assert torch.allclose(a(x), x)
        assert _count(a) == 4288
        with pytest.raises(ValueError):
            SelfAttention2d(30, heads=4, groups=6)

    def test_permutation_equivariance(self):
        # 注意力对空间位置的任意重排等变（没有位置编码）
        from minidiff.unet import SelfAttention2d

        a = _randomize(SelfAttention2d(16, heads=2))
        x = torch.randn(2, 16, 4, 4)
        perm = torch.randperm(16, generator=torch.Generator().manual_seed(3))
        xp = x.reshape(2, 16, 16)[..., perm].reshape(2, 16, 4, 4)
        yp = a(x).reshape(2, 16, 16)[..., perm].reshape(2, 16, 4, 4)
        assert torch.allclose(a(xp), yp, atol=1e-5)

    def test_matches_manual_single_head(self):
        from minidiff.unet import SelfAttention2d

        a = _randomize(SelfAttention2d(8, heads=1, groups=4))
        x = torch.randn(1, 8, 3, 3)
        h = a.norm(x) if hasattr(a, "norm") else None
        if h is None:
            pytest.skip("没有名为 norm 的 GroupNorm 属性，跳过逐步比较")
        qkv = a.qkv(h).reshape(1, 3, 8, 9)
        q, k, v = qkv[:, 0].transpose(1, 2), qkv[:, 1].transpose(1, 2), qkv[:, 2].transpose(1, 2)
        w = torch.softmax(q @ k.transpose(1, 2) / 8**0.5, dim=-1)
        o = (w @ v).transpose(1, 2).reshape(1, 8, 3, 3)
        assert torch.allclose(a(x), x + a.proj(o), atol=1e-5)


@pytest.mark.exercise("tiny-unet")
class TestTinyUNet:
    def test_shapes_params_zero_init(self):
        from minidiff.unet import TinyUNet

        torch.manual_seed(0)
        net = TinyUNet()
        assert _count(net) == 138865
        assert _count(TinyUNet(skips=False)) == 124913
        t = torch.tensor([1, 500, 1000])
        out = net(torch.randn(3, 1, 8, 8), t)
        assert out.shape == (3, 1, 8, 8)
        assert torch.all(out == 0)
        assert net(torch.randn(2, 1, 16, 16), t[:2]).shape == (2, 1, 16, 16)

    def test_depends_on_t_and_x(self):
        from minidiff.unet import TinyUNet

        net = _randomize(TinyUNet(), seed=1)
        x = torch.randn(1, 1, 8, 8)
        a = net(x, torch.tensor([10]))
        assert not torch.allclose(a, net(x, torch.tensor([900])))
        assert not torch.allclose(a, net(x + 0.5, torch.tensor([10])))


@pytest.mark.exercise("fourier-features")
class TestGaussianFourierFeatures:
    def test_shape_buffer_norm(self):
        from minidiff.unet import GaussianFourierFeatures

        f = GaussianFourierFeatures(16, generator=torch.Generator().manual_seed(0))
        out = f(torch.tensor([0.0, 0.3, -1.2]))
        assert out.shape == (3, 16) and out.dtype == torch.float32
        assert _count(f) == 0
        assert torch.allclose(out.pow(2).sum(1), torch.full((3,), 8.0), atol=1e-5)
        assert torch.allclose(out[0], torch.cat([torch.zeros(8), torch.ones(8)]))  # s = 0
        with pytest.raises(ValueError):
            GaussianFourierFeatures(7)

    def test_deterministic_with_generator(self):
        from minidiff.unet import GaussianFourierFeatures

        a = GaussianFourierFeatures(32, scale=2.0, generator=torch.Generator().manual_seed(5))
        b = GaussianFourierFeatures(32, scale=2.0, generator=torch.Generator().manual_seed(5))
        s = torch.linspace(-1, 1, 7)
        assert torch.allclose(a(s), b(s))
        w = torch.randn(16, generator=torch.Generator().manual_seed(5)) * 2.0
        want = torch.sin(2 * math.pi * 0.5 * w)
        assert torch.allclose(a(torch.tensor([0.5]))[0, :16], want, atol=1e-5)

    def test_gaussian_kernel(self):
        from minidiff.unet import GaussianFourierFeatures

        f = GaussianFourierFeatures(20000, scale=1.0, generator=torch.Generator().manual_seed(1))
        e = f(torch.tensor([0.0, 0.1]))
        sim = (e[0] @ e[1]).item() / 10000
        assert sim == pytest.approx(math.exp(-2 * math.pi**2 * 0.01), abs=0.03)


@pytest.mark.exercise("adaln-zero-block")
class TestAdaLNZeroBlock:
    def test_identity_and_params(self):
        from minidiff.unet import AdaLNZeroBlock

        torch.manual_seed(0)
        b = AdaLNZeroBlock(48, 4, 48)
        assert _count(b) == 18 * 48**2 + 15 * 48 == 42192
        x = torch.randn(2, 5, 48)
        assert torch.allclose(b(x, torch.randn(2, 48)), x)
        with pytest.raises(ValueError):
            AdaLNZeroBlock(50, 4, 8)

    def test_token_permutation_equivariance_and_cond(self):
        from minidiff.unet import AdaLNZeroBlock

        b = _randomize(AdaLNZeroBlock(16, 2, 8), seed=2)
        x, c = torch.randn(1, 6, 16), torch.randn(1, 8)
        perm = torch.tensor([3, 0, 5, 1, 4, 2])
        assert torch.allclose(b(x[:, perm], c), b(x, c)[:, perm], atol=1e-5)
        assert not torch.allclose(b(x, c), b(x, c + 1.0))


@pytest.mark.exercise("patchify")
class TestPatchify:
    def test_layout(self):
        from minidiff.unet import patchify

        x = torch.arange(2 * 3 * 4 * 6, dtype=torch.float32).reshape(2, 3, 4, 6)
        tok = patchify(x, 2)
        assert tok.shape == (2, 6, 12)
        # 第 n = i·w + j 个词元，分量 (u·p + v)·C + c 是 x[b, c, i·p + u, j·p + v]
        b, i, j, u, v, c = 1, 1, 2, 0, 1, 2
        assert tok[b, i * 3 + j, (u * 2 + v) * 3 + c] == x[b, c, i * 2 + u, j * 2 + v]
        with pytest.raises(ValueError):
            patchify(torch.zeros(1, 1, 5, 4), 2)


@pytest.mark.exercise("unpatchify")
class TestUnpatchify:
    def test_round_trip(self):
        from minidiff.unet import unpatchify

        x = torch.randn(2, 3, 8, 4)
        p = 2
        # 用 reshape/permute 独立地构造词元（与 patchify 的约定相同）
        tok = x.reshape(2, 3, 4, p, 2, p).permute(0, 2, 4, 3, 5, 1).reshape(2, 8, p * p * 3)
        assert torch.equal(unpatchify(tok, p, 3, 8, 4), x)


@pytest.mark.exercise("sincos-2d")
class TestSincos2d:
    def test_values(self):
        from minidiff.unet import sincos_pos_embed_2d

        e = sincos_pos_embed_2d(3, 4, 8)
        assert e.shape == (12, 8) and e.dtype == torch.float32
        # q = 2，频率 1 与 10000^(−1/2) = 0.01；位置 n = 1·4 + 3：行 1、列 3
        want = torch.tensor([math.sin(1), math.sin(0.01), math.cos(1), math.cos(0.01),
                             math.sin(3), math.sin(0.03), math.cos(3), math.cos(0.03)])
        assert torch.allclose(e[7], want, atol=1e-6)
        assert torch.allclose(e.pow(2).sum(1), torch.full((12,), 4.0), atol=1e-5)
        with pytest.raises(ValueError):
            sincos_pos_embed_2d(2, 2, 6)


@pytest.mark.exercise("tiny-vit")
class TestTinyViT:
    def test_shapes_params_zero(self):
        from minidiff.unet import TinyViTDenoiser

        torch.manual_seed(0)
        net = TinyViTDenoiser()
        assert _count(net) == 136420
        assert _count(TinyViTDenoiser(patch=4)) == 137584
        out = net(torch.randn(3, 1, 8, 8), torch.tensor([1, 2, 3]))
        assert out.shape == (3, 1, 8, 8) and torch.all(out == 0)
        big = TinyViTDenoiser(img_size=16)
        assert big(torch.randn(2, 1, 16, 16), torch.tensor([4, 5])).shape == (2, 1, 16, 16)
        with pytest.raises(ValueError):
            TinyViTDenoiser(img_size=8, patch=3)

    def test_depends_on_t_and_position(self):
        from minidiff.unet import TinyViTDenoiser

        net = _randomize(TinyViTDenoiser(), seed=4)
        x = torch.randn(1, 1, 8, 8)
        a = net(x, torch.tensor([10]))
        assert not torch.allclose(a, net(x, torch.tensor([800])))
        # 有位置编码：把图像平移一个图块，输出不只是平移
        xs = torch.roll(x, shifts=2, dims=3)
        assert not torch.allclose(torch.roll(a, shifts=2, dims=3), net(xs, torch.tensor([10])), atol=1e-4)
