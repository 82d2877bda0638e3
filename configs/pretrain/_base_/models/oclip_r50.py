# oCLIP with a CLIP-style ResNet-50 image encoder, as released.
input_size = 512
model = dict(
    type='OCLIP',
    data_preprocessor=dict(type='OCLIPDataPreprocessor'),
    image_encoder=dict(
        type='OCLIPImageEncoder',
        # Compiled trunk (docs/speed.md; the first step compiles, logged),
        # channels-last on a GPU ('auto'). Inductor's layout optimisation
        # off: by default it runs oneDNN convolution graphs channels-last on
        # a CPU whatever channels_last says, which moved the gradients 2.7-16x
        # further from float64 than the eager trunk (1.9-4.4x without it)
        # and was not faster (docs/speed.md, measured over three seeds).
        channels_last='auto',
        compile=dict(options=dict(layout_optimization=False)),
        backbone=dict(
            type='CLIPResNet',
            depth=50,
            out_indices=(3, ),
            norm_cfg=dict(type='BN', requires_grad=True),
            norm_eval=False),
        attnpool=dict(
            type='AttentionPool2d',
            grid_size=input_size // 32,
            in_channels=2048,
            num_heads=32,
            out_channels=384)),
    text_encoder=dict(
        type='CharTextEncoder',
        width=64,
        num_layers=6,
        num_heads=8,
        embed_dims=384),
    decoder=dict(
        type='VisualTextualDecoder',
        grid_size=input_size // 32,
        embed_dims=384,
        num_layers=6,
        num_heads=8),
    loss_char=dict(type='MaskedCharLoss'),
    # The paper sums the two directions; halve=True is the released code.
    loss_contrastive=dict(type='BatchContrastiveLoss', halve=False),
    # The paper: the text embedding averages the image's real words.
    text_pooling='words')
