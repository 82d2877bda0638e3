# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""What tools/train.py and tools/test.py share: the MMEngine-style command
line (``--work-dir``, ``--cfg-options``, ``--launcher``) and turning it into
a config."""
import argparse
import contextlib
import os
import os.path as osp
import re
from typing import Iterator, Optional

from mmengine.config import Config, DictAction


def add_runner_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, e.g. train_cfg.max_epochs=2')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


@contextlib.contextmanager
def config_variables(options: Optional[dict]) -> Iterator[None]:
    """While a config is parsed, ``--cfg-options key=value`` for a top-level
    ``key`` is also the environment variable ``OCLIP_<KEY>``; the
    environment is restored afterwards.

    MMEngine fixes a config's variables when it parses the file, so
    overriding ``lsvt_root`` afterwards would not reach the paths built from
    it; our configs read such variables as ``{{$OCLIP_<KEY>:default}}``,
    which MMEngine substitutes before anything is derived from them. The
    variables exist only inside this block: nothing leaks into later
    parses, other configs or the process (a variable the user set outside
    stays as it was, and is used where no option names it).
    """
    names = {
        f'OCLIP_{key.upper()}': str(value)
        for key, value in (options or {}).items()
        if re.fullmatch(r'[a-z_][a-z0-9_]*', key)
        and isinstance(value, (str, int, float))
    }
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(names)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def parse_config(config: str, options: Optional[dict] = None) -> Config:
    """``config`` parsed with ``options``' top-level keys as its variables
    (:func:`config_variables`) and all of ``options`` merged, as MMEngine's
    tools merge ``--cfg-options``."""
    with config_variables(options):
        cfg = Config.fromfile(config)
    if options:
        cfg.merge_from_dict(options)
    return cfg


def load_runner_config(config: str, args: argparse.Namespace) -> Config:
    """The config with ``--cfg-options`` (:func:`parse_config`), the
    launcher set and the work dir ``--work-dir``, else the config's, else
    ``work_dirs/<config name>`` (MMOCR's convention)."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    cfg = parse_config(config, args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(config))[0])
    return cfg


def start_cpu_processes(cfg: Config) -> None:
    """``--launcher pytorch`` without a CUDA device: start the process group
    with gloo on the CPU before MMEngine would call ``torch.cuda.set_device``
    (which fails there), with the config's timeout, and wrap the model in
    DDP without device ids. MMEngine sees the group and uses it."""
    import datetime

    import torch
    import torch.distributed as dist
    if cfg.get('launcher') != 'pytorch' or torch.cuda.is_available() or \
            dist.is_initialized():
        return
    dist_cfg = cfg.get('env_cfg', {}).get('dist_cfg', {})
    timeout = dist_cfg.get('timeout')
    dist.init_process_group(
        backend='gloo',
        timeout=datetime.timedelta(seconds=timeout) if timeout else None)
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper.setdefault('type', 'MMDistributedDataParallel')
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    if dist.get_rank() == 0:
        print(f'no CUDA device: {dist.get_world_size()} processes on the CPU '
              '(gloo)', flush=True)
