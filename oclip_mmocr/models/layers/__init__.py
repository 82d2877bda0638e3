from .pixel_grid import input_to_map, map_to_input

__all__ = ['input_to_map', 'map_to_input']
