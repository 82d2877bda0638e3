# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""What tells whether oCLIP pretraining is learning, on a held-out split:
masked-character accuracy and image<->text retrieval."""
from typing import Dict, List, Sequence

import torch
from mmengine.evaluator import BaseMetric

from mmocr.registry import METRICS


def recall_at_k(sims: torch.Tensor, ks: Sequence[int]) -> Dict[int, float]:
    """Share of rows whose own column (the diagonal) is among their top k.

    A row's rank counts the other columns scoring at least as high as the
    true one, so ties count against the model.

    Args:
        sims (Tensor): ``(N, N)`` similarities, row i's match is column i.
        ks (Sequence[int]): The k's.

    Returns:
        dict[int, float]: ``k -> recall``.
    """
    n = sims.shape[0]
    true = sims.diagonal().unsqueeze(1)
    others = sims >= true
    others.fill_diagonal_(False)
    rank = others.sum(dim=1)  # 0 = retrieved first
    return {k: float((rank < k).float().mean()) if n else 0.0 for k in ks}


@METRICS.register_module()
class OCLIPPretrainMetric(BaseMetric):
    """Masked-character accuracy and retrieval R@k over a validation split.

    Reads what :meth:`OCLIP.predict` writes: ``pred_char_ids`` vs.
    ``gt_chars`` (one masked character per word) and the L2-normalised
    ``image_embed`` / ``text_embed`` of each image. Retrieval ranks every
    image of the split against every image's text (and back) by cosine
    similarity, so its values depend on the split's size: compare runs on
    the same split.

    Metrics (under ``prefix``, default ``'pretrain'``): ``char_acc`` (when
    the model has a decoder), ``i2t_R@k`` and ``t2i_R@k`` for each ``k``.

    Args:
        ks (Sequence[int]): Recall cut-offs. Defaults to (1, 5).
        collect_device (str): See :class:`BaseMetric`.
        prefix (str, optional): Defaults to ``'pretrain'``.
    """
    default_prefix = 'pretrain'

    def __init__(self,
                 ks: Sequence[int] = (1, 5),
                 collect_device: str = 'cpu',
                 prefix: str = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not ks or min(ks) < 1:
            raise ValueError(f'ks must be positive integers, got {ks}')
        self.ks = tuple(int(k) for k in ks)

    def process(self, data_batch, data_samples: Sequence) -> None:
        for ds in data_samples:
            get = ds.get if isinstance(ds, dict) else \
                (lambda k, d=None, _s=ds: getattr(_s, k, d))
            item = dict(
                image=get('image_embed').detach().float().cpu(),
                text=get('text_embed').detach().float().cpu())
            pred = get('pred_char_ids')
            if pred is not None:
                gt = get('gt_chars')
                item['hits'] = int((pred.cpu() == gt.cpu()).sum())
                item['words'] = int(gt.numel())
            self.results.append(item)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        if not results:
            raise ValueError('OCLIPPretrainMetric: the validation split '
                             'produced no samples')
        metrics: Dict[str, float] = {}
        if 'hits' in results[0]:
            words = sum(r['words'] for r in results)
            metrics['char_acc'] = sum(r['hits'] for r in results) / max(
                words, 1)
        images = torch.stack([r['image'] for r in results])
        texts = torch.stack([r['text'] for r in results])
        sims = images @ texts.t()
        for name, mat in (('i2t', sims), ('t2i', sims.t())):
            for k, value in recall_at_k(mat, self.ks).items():
                metrics[f'{name}_R@{k}'] = value
        metrics['num_images'] = float(len(results))
        return metrics
