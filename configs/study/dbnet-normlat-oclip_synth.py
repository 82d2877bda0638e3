# DBNet with FPNC's normalised laterals (BN + ReLU after each lateral
# projection, MMOCR's own switch), everything else as dbnet-oclip_synth.py:
# the neck variant the study measures beside MMOCR's recipe (its
# un-normalised laterals held the oCLIP twin on DBNet's initial plateau;
# docs/embedded_benchmark.md). Twin: dbnet-normlat-scratch_synth.py.
_base_ = ['dbnet-oclip_synth.py']
model = dict(neck=dict(bn_re_on_lateral=True))
