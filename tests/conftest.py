import os
import random

import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope

import oclip_mmocr  # noqa: F401
from tests.helpers import SHARED, SHARED_ABSENT


def pytest_sessionstart(session):
    if os.environ.get('CI') and not os.path.isdir(SHARED):
        pytest.exit(f'CI runs beside ../shared, but {SHARED} is absent: the '
                    'tests that need it would only be skipped', returncode=4)


def pytest_terminal_summary(terminalreporter):
    """Say how many tests a run without ../shared skipped, and why."""
    skipped = [r for r in terminalreporter.stats.get('skipped', [])
               if SHARED_ABSENT in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(
            f'{len(skipped)} tests skipped because ../shared (data and '
            f'references beside the repository) is absent at {SHARED}')


@pytest.fixture(autouse=True)
def _scope_and_seed():
    init_default_scope('mmocr')
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    yield


@pytest.fixture(scope='session')
def synthetic_root(tmp_path_factory):
    from oclip_mmocr.datasets.synthetic import generate_synthetic_split
    root = str(tmp_path_factory.mktemp('synthetic'))
    generate_synthetic_split(root, 'train', num_images=8, img_size=(128, 128),
                             seed=3, num_words=(2, 3))
    return root
