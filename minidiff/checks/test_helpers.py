"""Project checks of the implemented (non-exercise) parts of minidiff: the toy data sets and the plot
helpers. Run by scripts/check_minidiff.py; needs torch and matplotlib."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
import torch  # noqa: E402

from minidiff import data  # noqa: E402


def g(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_two_moons():
    x, y = data.two_moons(1001, generator=g(), return_labels=True)
    assert x.shape == (1001, 2) and x.dtype == torch.float32
    assert y.shape == (1001,) and y.dtype == torch.int64
    assert int(y.sum()) == 501
    assert abs(float(x.mean(0)[0])) < 0.1 and abs(float(x.mean(0)[1])) < 0.1
    assert 0.9 < float(x[:, 0].std()) < 1.5 and 0.5 < float(x[:, 1].std()) < 0.9
    assert torch.equal(data.two_moons(50, generator=g(3)), data.two_moons(50, generator=g(3)))
    # Without noise every point lies on its (scaled) circle of radius 1.4.
    x, y = data.two_moons(200, noise=0.0, generator=g(), return_labels=True)
    centres = torch.tensor([[-0.7, -0.35], [0.7, 0.35]])
    r = (x - centres[y]).norm(dim=1)
    assert torch.allclose(r, torch.full_like(r, 1.4), atol=1e-5)


def test_swiss_roll_and_eight_gaussians():
    x = data.swiss_roll(500, generator=g())
    assert x.shape == (500, 2) and x.dtype == torch.float32
    assert float(x.abs().max()) < 3.5
    x, k = data.eight_gaussians(4000, generator=g(), return_labels=True)
    assert x.shape == (4000, 2) and set(k.tolist()) == set(range(8))
    angle = k.double() * math.pi / 4
    centres = 2.0 * torch.stack([torch.cos(angle), torch.sin(angle)], 1)
    assert float((x.double() - centres).std()) == pytest.approx(0.1, rel=0.1)


def test_digits_8x8():
    x, y = data.digits_8x8(2000, generator=g(), return_labels=True)
    assert x.shape == (2000, 1, 8, 8) and x.dtype == torch.float32
    levels = torch.round((x + 1) * 8)
    assert torch.allclose(levels / 8 - 1, x)  # exactly on the 17 levels
    assert float(x.min()) == -1.0 and float(x.max()) > 0.5
    counts = torch.bincount(y, minlength=10)
    assert int(counts.min()) > 120
    # Digits differ from each other: class means are far apart compared with pixel noise.
    means = torch.stack([x[y == d].mean(0).flatten() for d in range(10)])
    dist = torch.cdist(means, means) + 100 * torch.eye(10)
    assert float(dist.min()) > 1.0
    assert torch.equal(data.digits_8x8(20, generator=g(5)), data.digits_8x8(20, generator=g(5)))


def test_plot_helpers_draw():
    import matplotlib.pyplot as plt

    from minidiff import plot

    ax = plot.scatter_2d(data.two_moons(100, generator=g()), title="moons")
    assert len(ax.collections) == 1
    fig = plot.scatter_grid([torch.zeros(5, 2), torch.ones(5, 2)], titles=["a", "b"])
    assert len(fig.axes) == 2
    ax = plot.plot_curves({"a": torch.linspace(0, 1, 10), "b": torch.linspace(1, 0, 10)}, logy=False)
    assert len(ax.lines) == 2
    ax = plot.histogram_1d(torch.randn(100, generator=g()), density=lambda s: torch.exp(-s * s / 2) / math.sqrt(2 * math.pi))
    assert len(ax.lines) == 1
    ax = plot.image_grid(data.digits_8x8(10, generator=g()), nrow=5)
    assert ax.images[0].get_array().shape == (2 * 9 + 1, 5 * 9 + 1)
    plt.close("all")
