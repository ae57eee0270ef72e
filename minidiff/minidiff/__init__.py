"""minidiff：《扩散模型教程》配套的迷你扩散模型库。

每一章往这里添加几个模块。标注了「练习 <id>」的函数和类只有签名、文档字符串和
``raise NotImplementedError("练习 <id>")``，由读者在对应的练习里填写；其余函数（数据集、
画图）已经实现好，可以直接用。填写之后，在 ``minidiff/`` 目录下运行 ``pytest`` 检查实现。

模块（第 1–3 章）：

- ``minidiff.data``       玩具数据集与一维高斯混合
- ``minidiff.schedules``  噪声调度 β_t、ᾱ_t 与对数信噪比
- ``minidiff.forward``    前向加噪过程
- ``minidiff.nets``       时间嵌入与 MLP 去噪网络
- ``minidiff.ddpm``       DDPM 的后验、损失、训练一步、采样与变分下界
- ``minidiff.ema``        参数的指数滑动平均
- ``minidiff.metrics``    样本质量的度量（切片 Wasserstein 距离、MMD）
- ``minidiff.plot``       画图小工具（需要 matplotlib）

约定（与书中符号表一致）：t = 0 是数据；离散步 t = 1, …, T。长度为 T 的逐步张量
（``betas``、``alpha_bar`` 等）在下标 t − 1 处存放第 t 步的值；函数参数里的 ``t`` 是取值
1, …, T 的整数张量，形状 (B,)。
"""

__version__ = "0.1.0"
