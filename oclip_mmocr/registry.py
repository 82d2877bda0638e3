# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""The ``oclip_mmocr`` registry scope.

Our components are registered in MMOCR's registries (``mmocr.registry``), so
``default_scope='mmocr'`` configs find them. A config inherited through
``oclip_mmocr::`` gets ``_scope_='oclip_mmocr'`` on every ``type`` dict of
that base; MMEngine then imports this module and looks for registries of that
scope. These are empty children of MMOCR's: a lookup falls through to MMOCR
(and from there to MMEngine and, with a ``mmdet.`` prefix, MMDetection), and
importing ``oclip_mmocr.models`` etc. registers everything first.
"""
from mmengine.registry import Registry

from mmocr import registry as mmocr_registry

SCOPE = 'oclip_mmocr'


def _child(parent: Registry, *locations: str) -> Registry:
    return Registry(
        parent.name, parent=parent, scope=SCOPE, locations=list(locations))


RUNNERS = _child(mmocr_registry.RUNNERS)
RUNNER_CONSTRUCTORS = _child(mmocr_registry.RUNNER_CONSTRUCTORS)
LOOPS = _child(mmocr_registry.LOOPS)
HOOKS = _child(mmocr_registry.HOOKS, 'oclip_mmocr.engine')
DATASETS = _child(mmocr_registry.DATASETS, 'oclip_mmocr.datasets')
DATA_SAMPLERS = _child(mmocr_registry.DATA_SAMPLERS)
TRANSFORMS = _child(mmocr_registry.TRANSFORMS, 'oclip_mmocr.datasets')
MODELS = _child(mmocr_registry.MODELS, 'oclip_mmocr.models')
MODEL_WRAPPERS = _child(mmocr_registry.MODEL_WRAPPERS)
WEIGHT_INITIALIZERS = _child(mmocr_registry.WEIGHT_INITIALIZERS,
                             'oclip_mmocr.models')
OPTIMIZERS = _child(mmocr_registry.OPTIMIZERS)
OPTIM_WRAPPERS = _child(mmocr_registry.OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = _child(mmocr_registry.OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = _child(mmocr_registry.PARAM_SCHEDULERS)
METRICS = _child(mmocr_registry.METRICS, 'oclip_mmocr.evaluation')
EVALUATOR = _child(mmocr_registry.EVALUATOR)
TASK_UTILS = _child(mmocr_registry.TASK_UTILS, 'oclip_mmocr.models')
VISUALIZERS = _child(mmocr_registry.VISUALIZERS)
VISBACKENDS = _child(mmocr_registry.VISBACKENDS)
LOG_PROCESSORS = _child(mmocr_registry.LOG_PROCESSORS)
