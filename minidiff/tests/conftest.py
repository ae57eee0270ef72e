"""pytest 配置:每个测试用 ``@pytest.mark.exercise("<id>")`` 标明它检查哪道练习。

运行(在 minidiff/ 目录下):``pytest``;只看一道练习:``pytest -m "exercise"`` 不够细,用
``pytest -k q_sample`` 或 ``pytest tests/test_forward.py``。结束时会列出还没有完成的练习。
"""

from __future__ import annotations

import pytest
import torch

# 测试里的张量都很小;单线程更快,结果也与线程数无关。
torch.set_num_threads(1)

_unfinished: dict[str, int] = {}


def pytest_collection_modifyitems(items):
    for item in items:
        marker = item.get_closest_marker("exercise")
        if marker is not None:
            # Recorded in --junitxml reports as <property name="exercise" value="…"/>.
            item.user_properties.append(("exercise", marker.args[0]))


def pytest_runtest_logreport(report):
    if report.failed and report.longrepr is not None and "NotImplementedError: 练习" in str(report.longrepr):
        text = str(report.longrepr)
        ex = text.split("NotImplementedError: 练习", 1)[1].split()[0]
        _unfinished[ex] = _unfinished.get(ex, 0) + 1


def pytest_terminal_summary(terminalreporter):
    if _unfinished:
        terminalreporter.section("还没有完成的练习")
        for ex, n in sorted(_unfinished.items()):
            terminalreporter.write_line(f"练习 {ex}: {n} 个测试因 NotImplementedError 失败")


@pytest.fixture
def gen():
    """一个固定种子的随机数发生器。"""
    return torch.Generator().manual_seed(1234)
