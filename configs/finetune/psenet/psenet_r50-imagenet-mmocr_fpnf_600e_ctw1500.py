# Not a twin: MMOCR's published ImageNet baseline (0.7793) exactly, to put
# next to MMOCR's table. Reference: MMOCR configs/textdet/psenet/
# psenet_resnet50_fpnf_600e_ctw1500.py -- its trunk is caffe-style with
# SyncBN. The twins use a pytorch-style ResNet with BN instead
# (_base_/trunks.py): torchvision's weights were trained pytorch-style
# (stride in the 3x3 convolution; caffe style moves it to the 1x1, which
# those weights were not trained for), and with norm_eval=True SyncBN and BN
# compute the same thing (frozen statistics, affine trained).
_base_ = ['_base_psenet_r50_fpnf_600e_ctw1500.py']
custom_imports = dict(imports=['oclip_mmocr'], allow_failed_imports=False)
