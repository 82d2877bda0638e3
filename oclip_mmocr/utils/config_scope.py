# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""``oclip_mmocr::`` config paths.

MMEngine resolves ``package::path`` only for the packages in its
``MODULE2PACKAGE`` table (the OpenMMLab ones), then reads
``<installed package>/.mim/configs/path``. Registering ourselves lets a user's
config inherit ours, e.g.
``_base_ = ['oclip_mmocr::finetune/dbnet/dbnet_r50-oclip_1200e_icdar2015.py']``,
once ``oclip_mmocr`` is imported before the config is parsed (our
``tools/*.py`` and ``mim train/test oclip_mmocr ...`` do that).

MMEngine finds the installed package as ``<distribution location>/<name>``,
which is wrong for PEP 660 editable installs (setuptools >= 64; the
distribution sits in site-packages, the code in the clone). For our package
only, the lookup answers with the directory the package was imported from,
which is right for wheels and editable installs alike.
"""
import os.path as osp

from mmengine.config import config as _config
from mmengine.config import utils as _config_utils

PACKAGE = 'oclip_mmocr'
PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))


def register_config_scope() -> None:
    _config_utils.MODULE2PACKAGE.setdefault(PACKAGE, PACKAGE)
    lookup = _config.get_installed_path
    if getattr(lookup, '_oclip_mmocr', False):
        return

    def get_installed_path(package: str) -> str:
        return PACKAGE_DIR if package == PACKAGE else lookup(package)

    get_installed_path._oclip_mmocr = True
    _config.get_installed_path = get_installed_path
