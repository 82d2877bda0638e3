# Not a twin: MMOCR's published ImageNet baseline (0.8488) exactly, to put
# next to MMOCR's table. Reference: MMOCR configs/textdet/fcenet/
# fcenet_resnet50-dcnv2_fpn_1500e_ctw1500.py -- ResNet-50 with DCNv2 in
# stages 2-4, lr 1e-3. The oCLIP twin has no DCN (CLIPResNet has none), so
# against this baseline a gain or loss mixes trunk and architecture; the
# fair pair is fcenet_r50-{oclip,imagenet}_fpn_1500e_ctw1500.py.
_base_ = ['_base_fcenet_r50_fpn_1500e_ctw1500.py']
optim_wrapper = dict(optimizer=dict(lr=1e-3))
custom_imports = dict(imports=['oclip_mmocr'], allow_failed_imports=False)
