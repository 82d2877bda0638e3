# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""The one pixel convention of every map we predict at a stride.

Coordinates are pixel indices (pixel ``i`` at coordinate ``i``, as MMOCR's
polygons and ``cv2.fillPoly`` treat them), and map pixel ``j`` of a map at
stride ``s`` sits on input pixel ``s * j``: a ResNet's stride-``s`` output is
centred there. Targets are drawn with :func:`input_to_map` and predictions
read back with :func:`map_to_input`, so a map equal to its own target decodes
to the ground truth. RoIAlign on such a map uses ``aligned=False`` (feature
``j`` at input ``j / spatial_scale``), not the half-pixel-shifted
``aligned=True``.
"""


def input_to_map(points, stride: float):
    """Input-pixel coordinates -> map-pixel coordinates (array or tensor)."""
    return points / stride


def map_to_input(points, stride: float):
    """Map-pixel coordinates -> input-pixel coordinates (array or tensor)."""
    return points * stride


__all__ = ['input_to_map', 'map_to_input']
