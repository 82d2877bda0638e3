# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""Study models one after another vs several at once, on the CPU.

The embedded study (tools/study.py) trains dozens of small models; on a
few cores one small model does not keep every core busy (Python overhead,
data loading, post-processing are single-threaded). This runs the same
set of real study trainings (``tools/train.py`` on study configs, from
scratch, validation included) both ways in turn, ``--repeats`` rounds:
one at a time with torch's default threads (the baseline), then ``--jobs``
at a time with the cores shared out (``OMP_NUM_THREADS``); it prints the
wall times and each round's ratio.

    python benchmarks/bench_study_jobs.py --jobs 2 [--write-doc docs/speed.md]
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
from common import machine_line, write_doc_block  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--jobs', type=int, default=2)
    parser.add_argument('--detectors', nargs='+',
                        default=['dbnet', 'psenet'])
    parser.add_argument('--seeds', type=int, default=2,
                        help='runs per detector (seeds 0..N-1)')
    parser.add_argument('--epochs', type=int, default=2)
    parser.add_argument('--train-images', type=int, default=120)
    parser.add_argument('--test-images', type=int, default=48)
    parser.add_argument('--profile', default='synth_totaltext')
    parser.add_argument('--repeats', type=int, default=2,
                        help='rounds, each timing both ways in turn')
    parser.add_argument('--write-doc', default=None,
                        help='write the table into this file\'s '
                        '<!-- bench:study-jobs --> block')
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
        threads = max(1, cores // args.jobs)
        base, par = [], []
        for r in range(args.repeats):
            base.append(run_all(
                list(commands(args, osp.join(tmp, f'base{r}'))), 1, 0, tmp))
            par.append(run_all(
                list(commands(args, osp.join(tmp, f'par{r}'))), args.jobs,
                threads, tmp))
    n = len(args.detectors) * args.seeds
    text = '\n'.join([
        f'{n} study trainings ({", ".join(args.detectors)} x {args.seeds} '
        f'seeds from scratch, {args.epochs} epochs of {args.train_images} '
        f'{args.profile} images in batches of 4, validated on '
        f'{args.test_images}); {machine_line("cpu")}, {cores} cores.', '',
        '| how | wall per round | throughput (each round) |',
        '| --- | --- | --- |',
        f'| one at a time, torch\'s default threads | '
        f'{", ".join(f"{b:.0f} s" for b in base)} | 1.00x |',
        f'| {args.jobs} at a time, {threads} thread(s) each | '
        f'{", ".join(f"{p:.0f} s" for p in par)} | '
        f'{", ".join(f"{b / p:.2f}x" for b, p in zip(base, par))} |'])
    print(text)
    if args.write_doc:
        write_doc_block(args.write_doc, 'study-jobs', text)


if __name__ == '__main__':
    main()
