"""2-process gloo run == one process over the same global batch."""
import os
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel

GLOBAL_BATCH, DIM = 6, 5


class Towers(torch.nn.Module):
    """Image and text projections producing the embeddings to contrast."""

    def __init__(self):
        super().__init__()
        from oclip_mmocr.models.losses import BatchContrastiveLoss
        torch.manual_seed(0)
        self.img = torch.nn.Linear(DIM, 4)
        self.txt = torch.nn.Linear(DIM, 4)
        self.loss = BatchContrastiveLoss()

    def forward(self, x_img, x_txt):
        return self.loss(self.img(x_img), self.txt(x_txt))


def _inputs():
    g = torch.Generator().manual_seed(1)
    return torch.randn(GLOBAL_BATCH, DIM, generator=g), torch.randn(
        GLOBAL_BATCH, DIM, generator=g)


def _worker(rank, world_size, port, out_file):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=world_size)
    try:
        model = DistributedDataParallel(Towers())
        x_img, x_txt = _inputs()
        local = slice(rank * GLOBAL_BATCH // world_size,
                      (rank + 1) * GLOBAL_BATCH // world_size)
        loss = model(x_img[local], x_txt[local])
        loss.backward()  # DDP averages the gradients over the ranks
        if rank == 0:
            torch.save(
                dict(loss=loss.detach(),
                     grads={n: p.grad for n, p in
                            model.module.named_parameters()}), out_file)
    finally:
        dist.destroy_process_group()


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_two_process_gloo_matches_single_process(tmp_path):
    out_file = str(tmp_path / 'rank0.pt')
    mp.spawn(_worker, args=(2, _free_port(), out_file), nprocs=2, join=True)
    dist_out = torch.load(out_file, weights_only=True)

    single = Towers()
    loss = single(*_inputs())
    loss.backward()
    torch.testing.assert_close(dist_out['loss'], loss.detach())
    for name, p in single.named_parameters():
        torch.testing.assert_close(dist_out['grads'][name], p.grad,
                                   rtol=1e-5, atol=1e-6, msg=name)
