from .clip_resnet import CLIPResNet

__all__ = ['CLIPResNet']
