from setuptools import find_packages, setup


def readme() -> str:
    with open('README.md', encoding='utf-8') as f:
        return f.read()


setup(
    name='oclip_mmocr',
    version='0.1.0',
    description='oCLIP weakly supervised vision-language pretraining for MMOCR 1.x',
    long_description=readme(),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    packages=find_packages(include=['oclip_mmocr', 'oclip_mmocr.*']),
    python_requires='>=3.9',
    install_requires=[
        'torch', 'torchvision', 'numpy<2', 'mmengine==0.10.7', 'mmcv==2.0.1',
        'mmdet==3.1.0', 'mmocr==1.0.1', 'Pillow', 'scipy', 'matplotlib'
    ],
    extras_require={'mim': ['openmim']},
    zip_safe=False,
)
