"""A normal (non-editable) install works: a wheel built from the repository,
installed into a fresh target directory, imports without the repository on
``sys.path``, resolves ``oclip_mmocr::`` configs from its ``.mim`` folder,
builds every kind of model from them, and trains through
``mim train oclip_mmocr``."""
import os
import os.path as osp
import shutil
import subprocess
import sys
import textwrap

import pytest

from tests.helpers import REPO

# What setup.py needs; .mim is rebuilt by setup.py itself.
SOURCES = ('setup.py', 'README.md', 'model-index.yml', 'oclip_mmocr',
           'configs', 'tools', 'dicts')

# One config of every kind, each inherited the way a user's project would.
MODELS = {
    'pretrain': 'pretrain/oclip_r50_synthtext.py',
    'dbnet': 'finetune/dbnet/dbnet_r50-oclip_1200e_icdar2015.py',
    'psenet': 'finetune/psenet/psenet_r50-oclip_fpnf_600e_ctw1500.py',
    'fcenet': 'finetune/fcenet/fcenet_r50-imagenet_fpn_1500e_totaltext.py',
    'textbpn': 'finetune/textbpn/textbpn_r50-oclip_660e_ctw1500.py',
    'spotter': 'finetune/mts/mts_r50-oclip_300e_icdar2015.py',
}

BUILD = textwrap.dedent('''
    import os.path as osp, sys
    import oclip_mmocr
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmocr.registry import MODELS
    site = sys.argv[1]
    assert oclip_mmocr.__file__.startswith(site), oclip_mmocr.__file__
    init_default_scope('mmocr')
    for name in sys.argv[2:]:
        cfg = Config.fromfile(name + '.py')
        model = MODELS.build(cfg.model)
        n = sum(p.numel() for p in model.parameters())
        print(name, type(model).__name__, n)
''')


@pytest.fixture(scope='module')
def wheel_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('wheel')
    src = tmp / 'src'
    src.mkdir()
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc', '.mim')
    for name in SOURCES:
        path = osp.join(REPO, name)
        if osp.isdir(path):
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy(path, src / name)
    pip = [sys.executable, '-m', 'pip', '--disable-pip-version-check']
    proc = subprocess.run(
        pip + ['wheel', '--no-deps', '--no-build-isolation', '-w',
               str(tmp / 'dist'), str(src)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    wheel, = os.listdir(tmp / 'dist')
    site = tmp / 'site'
    proc = subprocess.run(
        pip + ['install', '--no-deps', '--no-compile', '--target',
               str(site), str(tmp / 'dist' / wheel)],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return str(site)


def _env(site: str) -> dict:
    # The target dir goes first, so its copy shadows the editable install.
    env = dict(os.environ, PYTHONPATH=site, PYTHONWARNINGS='ignore')
    return env


def test_wheel_ships_every_package_and_the_configs(wheel_site):
    pkg = osp.join(wheel_site, 'oclip_mmocr')
    for sub in ('detectors', 'heads', 'necks', 'module_losses',
                'postprocessors', 'layers'):
        assert osp.isfile(osp.join(pkg, 'models', 'textdet', sub,
                                   '__init__.py')), sub
    mim = osp.join(pkg, '.mim')
    for rel in ('configs/' + MODELS['dbnet'], 'tools/train.py',
                'tools/test.py', 'dicts/english_digits_symbols.txt',
                'dicts/lower_english_digits.txt',
                'model-index.yml'):
        assert osp.isfile(osp.join(mim, rel)), rel
    assert not osp.islink(osp.join(mim, 'configs'))


@pytest.mark.slow
@pytest.mark.parametrize('install', ['wheel', 'editable'])
def test_every_model_builds_from_scoped_configs(install, request, tmp_path):
    """A user's project: configs that only inherit ``oclip_mmocr::`` ones,
    from the wheel, and from this checkout's editable install (PEP 660: the
    distribution is in site-packages, the code here)."""
    if install == 'wheel':
        site = request.getfixturevalue('wheel_site')
        env = _env(site)
    else:
        site = osp.join(REPO, 'oclip_mmocr')
        env = dict(os.environ, PYTHONWARNINGS='ignore')
        env.pop('PYTHONPATH', None)
    for name, cfg in MODELS.items():
        (tmp_path / f'{name}.py').write_text(
            f"_base_ = ['oclip_mmocr::{cfg}']\n")
    (tmp_path / 'build.py').write_text(BUILD)
    proc = subprocess.run(
        [sys.executable, 'build.py', site, *MODELS], cwd=tmp_path,
        env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    built = dict(line.split(' ', 1) for line in proc.stdout.splitlines())
    assert built['pretrain'].startswith('OCLIP ')
    assert built['dbnet'].startswith('DBNet ')
    assert built['psenet'].startswith('PSENet ')
    assert built['fcenet'].startswith('FCENet ')
    assert built['textbpn'].startswith('TextBPN ')
    assert built['spotter'].startswith('MTSSpotter ')


@pytest.mark.slow
def test_mim_train_from_the_wheel(wheel_site, tmp_path):
    mim = shutil.which('mim', path=osp.dirname(sys.executable))
    if mim is None:
        pytest.skip('openmim is not installed')
    work = tmp_path / 'work'
    proc = subprocess.run(
        [mim, 'train', 'oclip_mmocr', 'oclip_demo_synthetic.py',
         '--work-dir', str(work), '--cfg-options', 'train_cfg.max_epochs=1',
         'train_dataloader.dataset.num_images=16',
         f'train_dataloader.dataset.data_root={tmp_path / "synthetic"}',
         'train_dataloader.num_workers=0',
         'train_dataloader.persistent_workers=False'],
        cwd=tmp_path, env=_env(wheel_site), capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    # mim ran the wheel's train script on the wheel's config.
    assert osp.join(wheel_site, 'oclip_mmocr', '.mim', 'tools',
                    'train.py') in out
    assert osp.isfile(work / 'backbone.pth')
