"""layers/polygon_sampling.py: rings resampled to a fixed vertex count."""
import numpy as np
import pytest

from oclip_mmocr.models.textdet.layers import resample_ring, signed_area


def test_resample_ring():
    square = np.array([[0, 0], [10, 0], [10, 10], [0, 10]], np.float32)
    ring = resample_ring(square[::-1], 8)  # anticlockwise in
    assert signed_area(ring) > 0  # clockwise out
    assert ring.shape == (8, 2)
    perim = np.linalg.norm(np.diff(np.vstack([ring, ring[:1]]), axis=0),
                           axis=1)
    assert perim == pytest.approx(5.)
