# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from mmengine.hooks import Hook

from mmocr.registry import HOOKS
from oclip_mmocr.datasets.data_check import dataset_problems


class BadDataError(ValueError):
    """The training or evaluation data has malformed entries."""


@HOOKS.register_module()
class DataCheckHook(Hook):
    """Check the datasets before the first iteration.

    Every polygon of the training, validation and test sets is checked (odd
    coordinate counts, fewer than 3 points, NaN), which is cheap; with
    ``check_images=True`` (``tools/train.py --check-data``) every image is
    also opened and decoded, and missing, empty or truncated files are found
    (this reads the whole dataset once). Problems are listed with their
    annotation file, image and instance, and training does not start:
    otherwise MMOCR's loader stops mid-epoch at the first broken image and a
    malformed polygon fails in a transform with a bare assertion.

    Args:
        check_images (bool): Decode every image as well.
        limit (int): Problems listed per dataset.
    """

    priority = 'VERY_HIGH'

    def __init__(self, check_images: bool = False, limit: int = 50) -> None:
        self.check_images = check_images
        self.limit = limit

    def before_train(self, runner) -> None:
        loops = [('train', runner.train_loop)]
        for name in ('val_loop', 'test_loop'):
            loop = getattr(runner, f'_{name}', None)
            if loop is not None and not isinstance(loop, dict):
                loops.append((name.split('_')[0], loop))
        problems = []
        checked = 0
        for split, loop in loops:
            dataset = getattr(getattr(loop, 'dataloader', None), 'dataset',
                              None)
            if dataset is None or not hasattr(dataset, 'get_data_info'):
                continue
            checked += len(dataset)
            problems += [f'[{split}] {p}' for p in dataset_problems(
                dataset, images=self.check_images, limit=self.limit)]
        what = 'images and polygons' if self.check_images else 'polygons'
        if problems:
            raise BadDataError(
                f'bad data, training not started ({what} of {checked} '
                'images checked):\n  ' + '\n  '.join(problems))
        runner.logger.info(f'data check: {what} of {checked} images OK')
