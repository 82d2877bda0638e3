import os
import os.path as osp
import shutil
import sys

from setuptools import find_packages, setup

ROOT = osp.dirname(osp.abspath(__file__))
# What ships beside the code in oclip_mmocr/.mim, the layout MMEngine and mim
# look in for another package's configs (`oclip_mmocr::finetune/...`) and
# tools (`mim train oclip_mmocr CONFIG` runs .mim/tools/train.py). The
# configs find the dictionaries through `{{ fileDirname }}/../../../dicts`.
MIM_FILES = ('configs', 'tools', 'dicts', 'model-index.yml')


def readme() -> str:
    with open(osp.join(ROOT, 'README.md'), encoding='utf-8') as f:
        return f.read()


def add_mim_extension() -> None:
    """Populate ``oclip_mmocr/.mim``: links to the repository's folders for an
    editable install (edits show at once), copies for anything that builds a
    wheel or an sdist (links would not survive packaging)."""
    if {'develop', 'editable_wheel'} & set(sys.argv):
        mode = 'symlink'
    elif {'sdist', 'bdist_wheel', 'build', 'build_py', 'install',
          'egg_info'} & set(sys.argv):
        mode = 'copy'
    else:
        return
    mim = osp.join(ROOT, 'oclip_mmocr', '.mim')
    os.makedirs(mim, exist_ok=True)
    for name in MIM_FILES:
        src, dst = osp.join(ROOT, name), osp.join(mim, name)
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if mode == 'symlink':
            os.symlink(osp.relpath(src, mim), dst)
        elif osp.isfile(src):
            shutil.copyfile(src, dst)
        else:
            shutil.copytree(
                src, dst,
                ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))


add_mim_extension()

setup(
    name='oclip_mmocr',
    version='0.1.0',
    description='oCLIP weakly supervised vision-language pretraining for '
    'MMOCR 1.x',
    long_description=readme(),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    packages=find_packages(include=['oclip_mmocr', 'oclip_mmocr.*']),
    package_data={
        'oclip_mmocr': [
            '.mim/configs/**/*.py', '.mim/configs/**/*.md',
            '.mim/configs/**/*.yml',
            '.mim/tools/**/*.py', '.mim/tools/**/*.sh', '.mim/dicts/*.txt',
            '.mim/model-index.yml'
        ]
    },
    include_package_data=False,
    python_requires='>=3.9',
    install_requires=[
        'torch', 'torchvision', 'numpy<2', 'mmengine==0.10.7', 'mmcv==2.0.1',
        'mmdet==3.1.0', 'mmocr==1.0.1', 'Pillow', 'scipy', 'matplotlib',
        # Vectorised point-in-polygon (RoI masks).
        'shapely>=2',
        # The embedded benchmark's backgrounds are its sample photographs.
        'scikit-image==0.26.0'
    ],
    # The "-CAE" ablation's word-level text input: CLIP's BPE tokenizer.
    extras_require={
        'mim': ['openmim'],
        'ablation': ['open_clip_torch==3.3.0']
    },
    zip_safe=False,
)
