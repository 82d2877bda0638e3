# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""TextBPN's adaptive boundary deformation: each vertex of a proposal ring
reads the node feature map, a bidirectional RNN and a graph convolution over
the ring mix the vertices, and a 1-D convolutional head moves them."""
from typing import List, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from mmocr.registry import MODELS


def ring_adjacency(num_points: int, num_neighbours: int = 4) -> torch.Tensor:
    """Symmetrically normalised ``D^-1/2 (A + I) D^-1/2`` of a ring where
    each vertex links to ``num_neighbours / 2`` vertices on either side."""
    a = torch.eye(num_points)
    for i in range(num_points):
        for d in range(1, num_neighbours // 2 + 1):
            a[i, (i + d) % num_points] = a[i, (i - d) % num_points] = 1
    d = a.sum(1).rsqrt()
    return d[:, None] * a * d[None, :]


def sample_node_features(feats: torch.Tensor, polys: torch.Tensor,
                         inds: torch.Tensor) -> torch.Tensor:
    """Bilinear features at polygon vertices.

    Args:
        feats: ``(N, C, H, W)`` node feature maps.
        polys: ``(M, P, 2)`` vertices in feature-map pixels (x, y; pixel
            centres at integers).
        inds: ``(M,)`` image index of each polygon.

    Returns:
        Tensor: ``(M, C, P)``.
    """
    h, w = feats.shape[-2:]
    grid = torch.stack([(polys[..., 0] + 0.5) / w * 2 - 1,
                        (polys[..., 1] + 0.5) / h * 2 - 1], -1)
    out = grid.new_empty(polys.shape[0], feats.shape[1], polys.shape[1])
    # One grid_sample per image over all its rings: indexing feats by ring
    # would copy the whole (C, H, W) map once per ring.
    for b in inds.unique().tolist():
        sel = inds == b
        sampled = F.grid_sample(
            feats[b:b + 1], grid[sel][None], mode='bilinear',
            align_corners=False)  # (1, C, M_b, P)
        out[sel] = sampled[0].transpose(0, 1)
    return out


class RingGraphConv(nn.Module):
    """``relu(W [x ; A x] + b)`` over ring vertices: ``(M, P, C_in) ->
    (M, P, C_out)``."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.fc = nn.Linear(2 * in_channels, out_channels)

    def forward(self, x: torch.Tensor, adj: torch.Tensor) -> torch.Tensor:
        return F.relu(self.fc(torch.cat([x, adj @ x], -1)))


class BoundaryRefineBlock(nn.Module):
    """One deformation step: per-vertex offsets from per-vertex features.

    ``(M, C, P)`` features -> BiLSTM over the closed ring, graph convolutions
    over the ring adjacency and a 1x1 projection, concatenated -> 1-D conv
    head -> ``(M, 2, P)`` offsets.
    """

    def __init__(self, in_channels: int, state_dim: int,
                 gcn_dims: Sequence[int], num_points: int,
                 num_neighbours: int, ring_pad: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm1d(in_channels, affine=False)
        self.rnn = nn.LSTM(
            in_channels, state_dim, batch_first=True, bidirectional=True)
        dims = [in_channels, *gcn_dims, state_dim]
        self.gcn = nn.ModuleList(
            RingGraphConv(i, o) for i, o in zip(dims[:-1], dims[1:]))
        self.proj = nn.Conv1d(in_channels, state_dim, 1)
        self.head = nn.Sequential(
            nn.Conv1d(4 * state_dim, 128, 1), nn.ReLU(inplace=True),
            nn.Dropout(0.1), nn.Conv1d(128, 64, 1), nn.ReLU(inplace=True),
            nn.Dropout(0.1), nn.Conv1d(64, 2, 1))
        self.register_buffer(
            'adj', ring_adjacency(num_points, num_neighbours),
            persistent=False)
        self.ring_pad = ring_pad

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.norm(x)
        seq = x.transpose(1, 2)  # (M, P, C)
        # The ring is closed: wrap vertices around so the RNN sees the
        # neighbours of the first and last vertex too.
        k = self.ring_pad
        wrapped = torch.cat([seq[:, -k:], seq, seq[:, :k]], 1) if k else seq
        rnn, _ = self.rnn(wrapped)
        rnn = rnn[:, k:k + seq.shape[1]] if k else rnn
        g = seq
        for layer in self.gcn:
            g = layer(g, self.adj)
        feats = torch.cat([rnn.transpose(1, 2), g.transpose(1, 2),
                           self.proj(x)], 1)
        return self.head(feats)


@MODELS.register_module()
class AdaptiveBoundaryDeformation(BaseModule):
    """Iteratively refine proposal rings on the node feature map.

    Args:
        in_channels (int): Node feature channels (32 + the 4 predicted maps).
        num_points (int): Vertices per ring.
        num_iters (int): Refinement steps (paper: 3), each with its own
            weights, each refining the previous output.
        state_dim (int): RNN / graph-conv state width.
        gcn_dims (Sequence[int]): Hidden widths of the graph convolutions;
            the last one maps to ``state_dim``. The default is the released
            code's 4 layers, ``in -> 256 -> 1024 -> 512 -> state_dim``.
        num_neighbours (int): Ring neighbours per vertex in the adjacency.
        max_offset (float): Per-step offset clamp, in feature-map pixels.
        ring_pad (int): Vertices wrapped around for the RNN.
    """

    def __init__(self,
                 in_channels: int = 36,
                 num_points: int = 20,
                 num_iters: int = 3,
                 state_dim: int = 128,
                 gcn_dims: Sequence[int] = (256, 1024, 512),
                 num_neighbours: int = 4,
                 max_offset: float = 16.,
                 ring_pad: int = 2,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.num_points = num_points
        self.max_offset = max_offset
        self.blocks = nn.ModuleList(
            BoundaryRefineBlock(in_channels, state_dim, gcn_dims, num_points,
                                num_neighbours, ring_pad)
            for _ in range(num_iters))
        for m in self.modules():
            if isinstance(m, nn.Conv1d):
                nn.init.normal_(m.weight, 0., 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, feats: torch.Tensor, polys: torch.Tensor,
                inds: torch.Tensor) -> List[torch.Tensor]:
        """
        Args:
            feats: ``(N, C, H, W)`` node feature maps.
            polys: ``(M, P, 2)`` proposal rings in feature-map pixels.
            inds: ``(M,)`` image index of each ring.

        Returns:
            list[Tensor]: ``num_iters`` rings ``(M, P, 2)``, one per step,
            each kept inside the map.
        """
        h, w = feats.shape[-2:]
        if polys.shape[0] == 0:
            return [polys for _ in self.blocks]
        bound = polys.new_tensor([w - 1, h - 1])
        outs = []
        for block in self.blocks:
            node = sample_node_features(feats, polys, inds)
            offset = block(node).transpose(1, 2).clamp(-self.max_offset,
                                                       self.max_offset)
            polys = torch.minimum((polys + offset).clamp(min=0), bound)
            outs.append(polys)
        return outs
