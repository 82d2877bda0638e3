# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""oCLIP pretraining for MMOCR 1.x.

Importing the package registers its components in MMOCR's registries (use
``custom_imports=dict(imports=['oclip_mmocr'])`` in configs) and allow-lists
the types of MMEngine checkpoints for ``torch.load(weights_only=True)``, and
makes ``oclip_mmocr::`` config paths resolve (configs ship in ``.mim``).
"""
from .utils.config_scope import register_config_scope
from .utils.safe_checkpoint import register_checkpoint_safe_globals
from .version import __version__

register_checkpoint_safe_globals()
register_config_scope()

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
