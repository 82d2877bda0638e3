# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Study models one after another vs several at once, on the CPU.

The embedded study (tools/study.py) trains dozens of small models; on a
few cores one small model does not keep every core busy (Python overhead,
data loading, post-processing are single-threaded). This runs the same
set of real study trainings (``tools/train.py`` on study configs, from
scratch, validation included) twice in this process's session: first one
at a time with torch's default threads (the baseline), then ``--jobs`` at
a time with the cores shared out (``OMP_NUM_THREADS``), and prints both
wall times and their ratio.

    python benchmarks/bench_study_jobs.py --jobs 2
"""
import argparse
import os
import os.path as osp
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, osp.join(ROOT, 'benchmarks'))
from common import machine_line  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--jobs', type=int, default=2)
    parser.add_argument('--detectors', nargs='+',
                        default=['dbnet', 'psenet'])
    parser.add_argument('--seeds', type=int, default=2,
                        help='runs per detector (seeds 0..N-1)')
    parser.add_argument('--epochs', type=int, default=2)
    parser.add_argument('--train-images', type=int, default=80)
    parser.add_argument('--test-images', type=int, default=16)
    parser.add_argument('--profile', default='synth_totaltext')
    return parser.parse_args()


def commands(args: argparse.Namespace, work: str):
    for det in args.detectors:
        for seed in range(args.seeds):
            name = f'{det}-scratch_synth'
            yield [sys.executable, osp.join(ROOT, 'tools/train.py'),
                   osp.join(ROOT, 'configs/study', name + '.py'),
                   '--work-dir', osp.join(work, f'{name}_seed{seed}'),
                   '--cfg-options', f'synth_profile={args.profile}',
                   f'randomness.seed={seed}', f'study_epochs={args.epochs}',
                   f'study_train_images={args.train_images}',
                   f'study_test_images={args.test_images}']


def run_all(cmds, jobs: int, threads: int, log_dir: str) -> float:
    """Wall seconds of running ``cmds``, ``jobs`` at a time, in
    ``log_dir`` (the generated data goes to its ``data/``)."""
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    if threads:
        env.update(OMP_NUM_THREADS=str(threads),
                   MKL_NUM_THREADS=str(threads))

    def one(k_cmd):
        k, cmd = k_cmd
        with open(osp.join(log_dir, f'run{k}.log'), 'w') as f:
            subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT,
                           env=env, check=True, cwd=log_dir)

    start = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, enumerate(cmds)))
    return time.perf_counter() - start


def main() -> None:
    args = parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        # The data is generated once, before either timing.
        warm = dict(vars(args), detectors=args.detectors[:1], seeds=1,
                    epochs=1)
        run_all(list(commands(argparse.Namespace(**warm),
                              osp.join(tmp, 'warm'))), 1, 0, tmp)
        base = run_all(list(commands(args, osp.join(tmp, 'base'))), 1, 0,
                       tmp)
        threads = max(1, cores // args.jobs)
        par = run_all(list(commands(args, osp.join(tmp, 'par'))), args.jobs,
                      threads, tmp)
    n = len(args.detectors) * args.seeds
    print(machine_line('cpu'))
    print(f'{n} study trainings ({" ".join(args.detectors)} x {args.seeds} '
          f'seeds, {args.epochs} epochs of {args.train_images} '
          f'{args.profile} images, validation on {args.test_images}):')
    print(f'  one at a time, default threads: {base:.1f} s')
    print(f'  {args.jobs} at a time, {threads} thread(s) each: {par:.1f} s '
          f'({base / par:.2f}x the throughput)')


if __name__ == '__main__':
    main()
