# Stage 1 of the staged spotter recipe, oCLIP trunk: the whole spotter on
# SynthText with character boxes (_base_mts_r50_1e_synthtext.py). Twin:
# mts_r50-imagenet_1e_synthtext.py.
_base_ = ['_base_mts_r50_1e_synthtext.py']
_base_.model.backbone = _base_.oclip_r50
_base_.model.data_preprocessor.update(_base_.oclip_input_normalization)
