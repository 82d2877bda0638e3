# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
from mmengine.hooks import Hook

from mmocr.registry import HOOKS
from oclip_mmocr.datasets.data_check import (dataset_problems,
                                             name_load_errors)


class BadDataError(ValueError):
    """The training or evaluation data has malformed entries."""


@HOOKS.register_module()
class DataCheckHook(Hook):
    """Check the datasets before the first iteration (and before a test).

    Every polygon of the training, validation and test sets is checked (odd
    coordinate counts, fewer than 3 points, ``[]``, NaN), which is cheap.
    Every image's file is checked quickly too (it exists, is not empty,
    ends with its format's end marker: a truncated JPEG/PNG does not), for
    sets of up to ``quick_image_check_max`` images: two small reads per
    image. With ``check_images=True`` (``tools/train.py --check-data``)
    every image is also decoded (this reads the whole dataset once).
    Problems are listed with their annotation file, image and instance,
    and training does not start.

    A sample that still fails while loading (a file changed during the
    run, a problem only decoding shows) stops the run with an error naming
    the annotation file, the image, the sample and any malformed instance
    (:class:`~oclip_mmocr.datasets.data_check.SampleLoadError`) rather than
    MMOCR's bare ``cv2.error`` / ``AssertionError``. It is not skipped: a
    run that silently trains on other samples than configured is not the
    experiment it claims to be.

    Args:
        check_images (bool): Decode every image as well.
        quick_image_check_max (int): The quick file check runs on datasets
            of at most this many images (0: never).
        limit (int): Problems listed per dataset.
    """

    priority = 'VERY_HIGH'

    def __init__(self, check_images: bool = False,
                 quick_image_check_max: int = 20000,
                 limit: int = 50) -> None:
        self.check_images = check_images
        self.quick_image_check_max = quick_image_check_max
        self.limit = limit

    def _check(self, runner, loops, what_starts: str) -> None:
        problems, checked, notes = [], 0, []
        for split, loop in loops:
            dataset = getattr(getattr(loop, 'dataloader', None), 'dataset',
                              None)
            if dataset is None or not hasattr(dataset, 'get_data_info'):
                continue
            name_load_errors(dataset)
            n = len(dataset)
            checked += n
            if self.check_images:
                images = True
            elif n <= self.quick_image_check_max:
                images = 'quick'
            else:
                images = False
                notes.append(f'{split}: {n} images, over '
                             f'quick_image_check_max: files not checked '
                             '(--check-data checks them all)')
            problems += [f'[{split}] {p}' for p in dataset_problems(
                dataset, images=images, limit=self.limit)]
        what = ('polygons and decoded images' if self.check_images else
                'polygons and image files')
        for note in notes:
            runner.logger.warning(f'data check: {note}')
        if problems:
            raise BadDataError(
                f'bad data, {what_starts} not started ({what} of {checked} '
                'images checked):\n  ' + '\n  '.join(problems))
        runner.logger.info(f'data check: {what} of {checked} images OK')

    def before_train(self, runner) -> None:
        loops = [('train', runner.train_loop)]
        for name in ('val_loop', 'test_loop'):
            loop = getattr(runner, f'_{name}', None)
            if loop is not None and not isinstance(loop, dict):
                loops.append((name.split('_')[0], loop))
        self._check(runner, loops, 'training')

    def before_test(self, runner) -> None:
        self._check(runner, [('test', runner.test_loop)], 'testing')
