# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
import logging
import re
from collections import Counter

from mmengine.logging import MMLogger
from mmengine.optim import DefaultOptimWrapperConstructor

from mmocr.registry import OPTIM_WRAPPER_CONSTRUCTORS

_LINE = re.compile(r'^paramwise_options -- (.+?):(\w+)=(.*)$')


class _Collect(logging.Filter):
    """Swallows MMEngine's per-parameter lines, counting them."""

    def __init__(self) -> None:
        super().__init__()
        self.values = Counter()
        self.names = set()

    def filter(self, record: logging.LogRecord) -> bool:
        match = _LINE.match(record.getMessage())
        if match is None:
            return True
        name, key, value = match.groups()
        self.names.add(name)
        self.values[(key, value)] += 1
        return False


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class ParamwiseSummaryConstructor(DefaultOptimWrapperConstructor):
    """MMEngine's default constructor, logging one summary line instead of
    one ``paramwise_options`` line per parameter (151 for oCLIP R50), e.g.
    ``paramwise options for 151 tensors: weight_decay=0.0 (151)``."""

    def __call__(self, model):
        logger = MMLogger.get_current_instance()
        collect = _Collect()
        logger.addFilter(collect)
        try:
            wrapper = super().__call__(model)
        finally:
            logger.removeFilter(collect)
        if collect.names:
            parts = ', '.join(f'{k}={v} ({n})'
                              for (k, v), n in sorted(collect.values.items()))
            logger.info(f'paramwise options for {len(collect.names)} '
                        f'parameter tensors: {parts}')
        return wrapper
