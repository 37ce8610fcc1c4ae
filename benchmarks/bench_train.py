"""Time the report's training run with ``backprop.train`` and three points of comparison.

The run: a 784-110-10 sigmoid MLP, 3000 MNIST training images, minibatches of 10,
MSE loss ``(1/2n) sum ||y_hat - Y||^2``, learning rate 0.5, float32, with loss and
accuracy on the 3000 training and the 10000 validation images after every epoch.

Timed in one process, in this order:

1. **ours**: ``backprop.train`` itself (``--epochs``, default 100).
2. **loop**: the same SGD written the classic textbook way (one sample at a time,
   column vectors, gradients summed over the minibatch, then one update), with a
   per-sample evaluation loop as well (``--loop-epochs``, default 5).
3. **torch nn**: PyTorch on the CPU, ``nn.Sequential`` + ``optim.SGD`` + autograd, two
   threads (``--torch-epochs``, default 20); and **torch manual**: the same maths as
   ours written with torch tensors and hand-written gradients. Skipped with a message
   when torch cannot be imported.
4. **GEMM bound**: every matrix product one epoch needs, timed alone with NumPy at its
   real shape and layout; their sum is a lower bound for an epoch that runs these
   products one after another on the cores BLAS gives them (all elementwise work and
   Python overhead counted as free). ``train`` evaluates each epoch on the second core
   while the next epoch trains, so it can come close to that bound.

Every implementation starts from the same weights and draws the same shuffles
(``numpy.random.default_rng(0)``, one ``permutation`` per epoch, as ``train`` does), so
their validation accuracies after the same number of epochs should agree up to float32
rounding; the table shows them as a check that all of them compute the same thing.

Run from the repository root (``backprop`` installed, or found through the checkout)::

    python benchmarks/bench_train.py
    python benchmarks/bench_train.py --epochs 20 --loop-epochs 2 --torch-epochs 5
    python benchmarks/bench_train.py --smoke    # seconds: does it still run? (make test)

The figures are milliseconds per epoch (median over the epochs; the mean is shown too),
followed by the speed-up ratios and the targets: ours <= 45 ms/epoch, >= 3x faster than
PyTorch (nn) and >= 10x faster than the loop. The script exits 0 whatever the outcome.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

SIZES = (784, 110, 10)
N_TRAIN, N_VAL = 3000, 10000
BATCH = 10
LR = 0.5
SEED = 0
TARGET_MS = 45.0
TARGET_VS_TORCH = 3.0
TARGET_VS_LOOP = 10.0


def import_backprop():
    """``backprop``, installed or from the checkout this script lives in."""
    try:
        import backprop
    except ImportError:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        import backprop
    return backprop


# --------------------------------------------------------------------------- environment
def blas_info() -> list[dict]:
    """threadpoolctl's view of the loaded BLAS / OpenMP libraries ([] without it)."""
    if importlib.util.find_spec("threadpoolctl") is None:
        return []
    from threadpoolctl import threadpool_info

    return threadpool_info()


def print_libraries(title: str) -> None:
    info = blas_info()
    print(f"{title}:")
    if not info:
        print("  (threadpoolctl is not installed: cannot list BLAS libraries)")
        return
    for lib in info:
        print(f"  {lib.get('user_api')}: {lib.get('internal_api')} {lib.get('version')}, "
              f"{lib.get('num_threads')} threads, {lib.get('threading_layer', '-')} "
              f"({os.path.basename(lib.get('filepath', '?'))})")
    blas = {lib["filepath"] for lib in info if lib.get("user_api") == "blas"}
    if len(blas) > 1:
        print(f"  WARNING: {len(blas)} BLAS libraries are loaded at once. Their thread pools "
              "compete for the cores, which can make small matrix products 30x slower; "
              "limit one of them (e.g. OPENBLAS_NUM_THREADS=1) or use one BLAS.")
    openmp = [lib for lib in info if lib.get("user_api") == "openmp"]
    pthreads_blas = [lib for lib in info if lib.get("threading_layer") == "pthreads"]
    if openmp and pthreads_blas:
        print("  note: an OpenMP runtime and a pthreads BLAS are both loaded; their threads "
              "can spin against each other when both are used in the same loop.")


def print_environment(blas_threads: int | None) -> None:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, {cores} usable cores (os.cpu_count() = {os.cpu_count()})")
    env = {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                      "MKL_NUM_THREADS") if k in os.environ}
    print(f"thread variables: {env or 'none set'}; BLAS thread limit from --blas-threads: "
          f"{blas_threads if blas_threads else 'none'}")
    print_libraries("libraries before torch is imported")


# --------------------------------------------------------------------------- helpers
def summary(times: list[float]) -> tuple[float, float]:
    """(median, mean) of per-epoch seconds, in milliseconds."""
    return 1e3 * statistics.median(times), 1e3 * sum(times) / len(times)


def permutations(n_epochs: int, n: int) -> list[np.ndarray]:
    """The shuffles ``backprop.train`` draws from ``default_rng(SEED)``, one per epoch."""
    rng = np.random.default_rng(SEED)
    return [rng.permutation(n) for _ in range(n_epochs)]


# --------------------------------------------------------------------------- 1. ours
def run_ours(bp, data, params, n_epochs: int) -> dict:
    stamps = [time.perf_counter()]

    def tick(epoch, history):
        stamps.append(time.perf_counter())

    _, history = bp.train(params, data.train, data.val, lr=LR, n_epochs=n_epochs,
                          batch_size=BATCH, loss="mse", rng=np.random.default_rng(SEED),
                          callback=tick, progress=False)
    return {"times": list(np.diff(stamps)), "val_acc": history["val_acc"]}


# --------------------------------------------------------------------------- 2. loop
def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def run_loop(data, params, n_epochs: int) -> dict:
    """Textbook per-sample SGD: weights ``(n_out, n_in)``, samples as column vectors.

    Evaluation is per sample too (one feed-forward per image, as the textbook's
    ``evaluate`` does), so it is as faithful to that style as the training step.
    """
    f32 = np.float32
    weights = [np.ascontiguousarray(params["W1"].T), np.ascontiguousarray(params["W2"].T)]
    biases = [params["b1"].reshape(-1, 1).copy(), params["b2"].reshape(-1, 1).copy()]
    # the data as the textbook keeps it: a list of (x, y) pairs of column vectors
    train = [(x.reshape(-1, 1).copy(), t.reshape(-1, 1).copy())
             for x, t in zip(data.train.X, data.train.Y, strict=True)]
    evals = [[(x.reshape(-1, 1).copy(), t.reshape(-1, 1).copy(), int(label))
              for x, t, label in zip(s.X, s.Y, s.y, strict=True)] for s in (data.train, data.val)]
    lr = f32(LR)

    def backprop_one(x, t):
        activation, activations, zs = x, [x], []
        for w, b in zip(weights, biases, strict=True):
            z = w @ activation + b
            zs.append(z)
            activation = _sigmoid(z)
            activations.append(activation)
        delta = (activations[-1] - t) * activations[-1] * (f32(1) - activations[-1])
        nabla_b = [None, delta]
        nabla_w = [None, delta @ activations[-2].T]
        sp = activations[-2] * (f32(1) - activations[-2])
        delta = (weights[-1].T @ delta) * sp
        nabla_b[0] = delta
        nabla_w[0] = delta @ activations[0].T
        return nabla_b, nabla_w

    def feedforward(a):
        for w, b in zip(weights, biases, strict=True):
            a = _sigmoid(w @ a + b)
        return a

    times, val_acc = [], []
    for perm in permutations(n_epochs, len(train)):
        start = time.perf_counter()
        shuffled = [train[i] for i in perm]
        for k in range(0, len(shuffled), BATCH):
            batch = shuffled[k:k + BATCH]
            nabla_b = [np.zeros_like(b) for b in biases]
            nabla_w = [np.zeros_like(w) for w in weights]
            for x, t in batch:
                d_b, d_w = backprop_one(x, t)
                nabla_b = [nb + db for nb, db in zip(nabla_b, d_b, strict=True)]
                nabla_w = [nw + dw for nw, dw in zip(nabla_w, d_w, strict=True)]
            step = lr / f32(len(batch))
            weights = [w - step * nw for w, nw in zip(weights, nabla_w, strict=True)]
            biases = [b - step * nb for b, nb in zip(biases, nabla_b, strict=True)]
        accs = []
        for split in evals:
            cost, correct = 0.0, 0
            for x, t, label in split:
                a = feedforward(x)
                cost += 0.5 * float(np.sum((a - t) ** 2))
                correct += int(np.argmax(a) == label)
            accs.append(correct / len(split))  # cost / len(split) is the mean loss
        times.append(time.perf_counter() - start)
        val_acc.append(accs[1])
    return {"times": times, "val_acc": val_acc}


# --------------------------------------------------------------------------- 3. torch
def torch_tensors(torch, data):
    """The training X and Y, and (X, Y, y) of the training and validation splits, as tensors."""
    splits = [(torch.from_numpy(s.X), torch.from_numpy(s.Y), torch.from_numpy(s.y))
              for s in (data.train, data.val)]
    return splits[0][0], splits[0][1], splits


def run_torch_nn(torch, data, params, n_epochs: int) -> dict:
    """``nn.Sequential`` + ``optim.SGD`` + autograd, evaluated under ``no_grad``."""
    nn = torch.nn
    model = nn.Sequential(nn.Linear(SIZES[0], SIZES[1]), nn.Sigmoid(),
                          nn.Linear(SIZES[1], SIZES[2]), nn.Sigmoid())
    with torch.no_grad():  # same start as ours; nn.Linear keeps W as (out, in)
        for layer, key in ((model[0], "1"), (model[2], "2")):
            layer.weight.copy_(torch.from_numpy(params["W" + key].T))
            layer.bias.copy_(torch.from_numpy(params["b" + key]))
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    X, Y, splits = torch_tensors(torch, data)

    times, val_acc = [], []
    for perm in permutations(n_epochs, X.shape[0]):
        start = time.perf_counter()
        idx = torch.from_numpy(perm)
        Xs, Ys = X[idx], Y[idx]
        for k in range(0, Xs.shape[0], BATCH):
            xb, yb = Xs[k:k + BATCH], Ys[k:k + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = (model(xb) - yb).pow(2).sum() / (2 * xb.shape[0])
            loss.backward()
            opt.step()
        accs = []
        with torch.no_grad():
            for Xe, Ye, ye in splits:
                out = model(Xe)
                _ = ((out - Ye).pow(2).sum() / (2 * Xe.shape[0])).item()
                accs.append((out.argmax(dim=1) == ye).double().mean().item())
        times.append(time.perf_counter() - start)
        val_acc.append(accs[1])
    return {"times": times, "val_acc": val_acc}


def run_torch_manual(torch, data, params, n_epochs: int) -> dict:
    """Ours line for line in torch: ``addmm`` forward, hand-written gradients, in place."""
    W1, b1, W2, b2 = (torch.from_numpy(params[k].copy()) for k in ("W1", "b1", "W2", "b2"))
    X, Y, splits = torch_tensors(torch, data)

    times, val_acc = [], []
    with torch.inference_mode():
        for perm in permutations(n_epochs, X.shape[0]):
            start = time.perf_counter()
            idx = torch.from_numpy(perm)
            Xs, Ys = X[idx], Y[idx]
            for k in range(0, Xs.shape[0], BATCH):
                xb, yb = Xs[k:k + BATCH], Ys[k:k + BATCH]
                a1 = torch.addmm(b1, xb, W1).sigmoid_()
                y_hat = torch.addmm(b2, a1, W2).sigmoid_()
                d2 = (y_hat - yb).mul_(y_hat).mul_(1.0 - y_hat).mul_(LR / xb.shape[0])
                d1 = (d2 @ W2.T).mul_(a1).mul_(1.0 - a1)
                W2.sub_(a1.T @ d2)
                b2.sub_(d2.sum(dim=0))
                W1.sub_(xb.T @ d1)
                b1.sub_(d1.sum(dim=0))
            accs = []
            for Xe, Ye, ye in splits:
                out = torch.addmm(b1, Xe, W1).sigmoid_()
                out = torch.addmm(b2, out, W2).sigmoid_()
                _ = ((out - Ye).pow(2).sum() / (2 * Xe.shape[0])).item()
                accs.append((out.argmax(dim=1) == ye).double().mean().item())
            times.append(time.perf_counter() - start)
            val_acc.append(accs[1])
    return {"times": times, "val_acc": val_acc}


# --------------------------------------------------------------------------- 4. GEMM bound
def time_call(fn, min_seconds: float = 0.05, repeats: int = 5) -> float:
    """Best mean seconds per call of ``fn`` over ``repeats`` runs of at least ``min_seconds``."""
    fn()
    number = 1
    while True:  # find a call count that fills min_seconds
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            break
        number = max(2 * number, int(1.2 * number * min_seconds / max(elapsed, 1e-9)))
    best = elapsed / number
    for _ in range(repeats - 1):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def gemm_bound() -> float:
    """Print the GEMM table; return the lower bound in milliseconds per epoch."""
    rng = np.random.default_rng(1)
    n_in, n_h, n_out = SIZES
    steps = N_TRAIN // BATCH

    def arr(*shape):
        return rng.random(shape, dtype=np.float32)

    Xs, W1, W2 = arr(N_TRAIN, n_in), arr(n_in, n_h), arr(n_h, n_out)
    a1, d2, d1 = arr(BATCH, n_h), arr(BATCH, n_out), arr(BATCH, n_h)
    Xb = Xs[:BATCH]  # a row slice of the shuffled copy, as in train()
    Xval = arr(N_VAL, n_in)
    # (label, A, B, calls per epoch); layouts as backprop.nn uses them (.T are views)
    cases = [
        ("fwd  X_b @ W1", Xb, W1, steps),
        ("fwd  a1 @ W2", a1, W2, steps),
        ("bwd  a1.T @ d2  (dW2)", a1.T, d2, steps),
        ("bwd  d2 @ W2.T  (d_a1)", d2, W2.T, steps),
        ("bwd  X_b.T @ d1 (dW1)", Xb.T, d1, steps),
        ("eval X_train @ W1", Xs, W1, 1),
        ("eval a_train @ W2", arr(N_TRAIN, n_h), W2, 1),
        ("eval X_val @ W1", Xval, W1, 1),
        ("eval a_val @ W2", arr(N_VAL, n_h), W2, 1),
    ]
    print(f"{'product':<24}{'m x k x n':>17}{'us/call':>10}{'GFLOP/s':>9}{'calls':>7}"
          f"{'ms/epoch':>10}")
    total = 0.0
    for label, A, B, calls in cases:
        out = np.empty((A.shape[0], B.shape[1]), dtype=np.float32)
        sec = time_call(lambda A=A, B=B, out=out: np.matmul(A, B, out=out))
        flops = 2 * A.shape[0] * A.shape[1] * B.shape[1]
        total += calls * sec
        shape = f"{A.shape[0]}x{A.shape[1]}x{B.shape[1]}"
        print(f"{label:<24}{shape:>17}{1e6 * sec:>10.2f}{flops / sec / 1e9:>9.1f}{calls:>7}"
              f"{1e3 * calls * sec:>10.2f}")
    big = arr(1024, 1024)
    out = np.empty_like(big)
    sec = time_call(lambda: np.matmul(big, big, out=out), repeats=3)
    print(f"(reference: 1024x1024x1024 runs at {2 * 1024**3 / sec / 1e9:.1f} GFLOP/s)")
    print(f"lower bound from these products: {1e3 * total:.2f} ms/epoch")
    return 1e3 * total


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=100, help="epochs for ours (100)")
    parser.add_argument("--loop-epochs", type=int, default=5,
                        help="epochs for the per-sample loop (5); 0 skips it")
    parser.add_argument("--torch-epochs", type=int, default=20,
                        help="epochs for each torch version (20); 0 skips torch")
    parser.add_argument("--torch-threads", type=int, default=2, help="torch.set_num_threads (2)")
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="limit NumPy's BLAS to this many threads (needs threadpoolctl)")
    parser.add_argument("--smoke", action="store_true",
                        help="2 epochs of ours, 1 of the loop and of torch: checks that the "
                             "benchmark runs (make test), its figures mean nothing")
    args = parser.parse_args(argv)
    if args.smoke:
        args.epochs, args.loop_epochs = 2, 1
        args.torch_epochs = min(args.torch_epochs, 1)
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")

    limiter = None
    if args.blas_threads:
        from threadpoolctl import threadpool_limits

        limiter = threadpool_limits(limits=args.blas_threads, user_api="blas")

    bp = import_backprop()
    print("== environment")
    print_environment(args.blas_threads)
    data = bp.load_mnist(n_train=N_TRAIN, n_val=N_VAL)
    params = bp.init_params(list(SIZES), np.random.default_rng(SEED))
    print(f"run: {'-'.join(map(str, SIZES))} sigmoid MLP, {len(data.train)} train / "
          f"{len(data.val)} val images, batch {BATCH}, MSE, lr {LR}, {params['W1'].dtype}, "
          f"eval on both splits every epoch")

    print("\n== GEMM lower bound (NumPy matmul at the shapes one epoch uses)")
    bound = gemm_bound()

    results: dict[str, dict] = {}
    print(f"\n== ours: backprop.train, {args.epochs} epochs", flush=True)
    results["ours"] = run_ours(bp, data, params, args.epochs)
    if args.loop_epochs > 0:
        print(f"== loop: per-sample textbook SGD, {args.loop_epochs} epochs", flush=True)
        results["loop (per sample)"] = run_loop(data, params, args.loop_epochs)

    torch_note = None
    if args.torch_epochs > 0:
        try:
            import torch
        except ImportError as exc:
            torch_note = f"torch skipped: cannot import torch ({exc})"
            print(f"== {torch_note}")
        else:
            torch.set_num_threads(args.torch_threads)
            found = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
            blas = found.group(1) if found else "?"
            print(f"== torch {torch.__version__}: {torch.get_num_threads()} threads, "
                  f"BLAS {blas} (linked into torch, invisible to threadpoolctl)")
            print_libraries("libraries after torch is imported")
            print(f"== torch nn: nn.Sequential + optim.SGD, {args.torch_epochs} epochs",
                  flush=True)
            results["torch nn"] = run_torch_nn(torch, data, params, args.torch_epochs)
            print(f"== torch manual: hand-written gradients, {args.torch_epochs} epochs",
                  flush=True)
            results["torch manual"] = run_torch_manual(torch, data, params, args.torch_epochs)
    if limiter is not None:
        limiter.restore_original_limits()

    common = min(len(r["val_acc"]) for r in results.values())
    print(f"\n== results (ms per epoch; 'val acc @{common}' = validation accuracy after "
          f"epoch {common}, the same in every row up to float32 rounding)")
    ours_ms = summary(results["ours"]["times"])[0]
    print(f"{'implementation':<20}{'epochs':>7}{'median':>10}{'mean':>10}{'x ours':>9}"
          f"{f'val acc @{common}':>15}{'final val acc':>15}")
    for name, r in results.items():
        med, mean = summary(r["times"])
        print(f"{name:<20}{len(r['times']):>7}{med:>10.2f}{mean:>10.2f}{med / ours_ms:>9.2f}"
              f"{r['val_acc'][common - 1]:>15.4f}{r['val_acc'][-1]:>15.4f}")
    print(f"{'GEMM lower bound':<20}{'-':>7}{bound:>10.2f}{'-':>10}{bound / ours_ms:>9.2f}")
    print(f"the products alone, timed in isolation and run one after another, take "
          f"{100 * bound / ours_ms:.0f}% of ours' epoch; ours evaluates each epoch on the second "
          "core while the next one trains, which is how it gets close to (or under) that bound")

    print("\n== targets")
    checks = [("ours <= 45 ms/epoch", ours_ms, TARGET_MS, ours_ms <= TARGET_MS, "ms")]
    for name, target in (("torch nn", TARGET_VS_TORCH), ("loop (per sample)", TARGET_VS_LOOP)):
        if name in results:
            ratio = summary(results[name]["times"])[0] / ours_ms
            checks.append((f"{name} / ours >= {target:g}x", ratio, target, ratio >= target, "x"))
    for label, value, _, ok, unit in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label:<34} measured {value:.2f}{unit}")
    if torch_note:
        print(f"  n/a   {torch_note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
