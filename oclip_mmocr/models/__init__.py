from .backbones import *  # noqa: F401,F403
from .char_dictionary import OCLIPDictionary
from .data_preprocessors import *  # noqa: F401,F403
from .decoders import *  # noqa: F401,F403
from .encoders import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .oclip import OCLIP
from .textdet import *  # noqa: F401,F403
from .textspot import *  # noqa: F401,F403
from .weight_init import StrictPretrainedInit

__all__ = ['OCLIP', 'OCLIPDictionary', 'StrictPretrainedInit']
