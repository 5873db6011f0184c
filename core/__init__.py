"""The attention core: a NumPy reference implementation of multi-head self-attention.

Pure NumPy, no Qt: the command line, the app and anyone's script use it alike.

>>> from attention_stepper.core import Parameters, compute
>>> computation = compute(Parameters(sentence="猫吃鱼", heads=2, d_model=8, d_k=4))
>>> computation.trace["weights"].shape
(2, 3, 3)
"""

from .attention import TRACE_KEYS, Trace, forward, softmax
from .computation import Computation, compute
from .edits import Edits
from .embedding import embed, sinusoidal_positions, token_vector
from .experiments import HeadStatistics, ScalingCurves, head_statistics, scaling_curves
from .export import export_computation, manifest, table_text
from .lesson import STEP_KEYS, STEPS, Step, pipeline_steps
from .limits import MAX_D_K, MAX_D_MODEL, MAX_HEADS, MAX_TOKENS
from .parameters import DEFAULT_SENTENCE, Parameters
from .session import Session, SessionFileError, load_session, save_session
from .stepper import Stepper
from .tokenize import TOKENIZERS, jieba_available, tokenize
from .torch_layout import from_torch_state, load_torch_weights, save_torch_weights, to_torch_state
from .version import __version__
from .weights import Weights, WeightsFileError, init_weights, load_weights, save_weights

__all__ = [
    "DEFAULT_SENTENCE", "MAX_D_K", "MAX_D_MODEL", "MAX_HEADS", "MAX_TOKENS", "STEPS", "STEP_KEYS",
    "TRACE_KEYS", "Computation", "Parameters", "Step", "Stepper", "Trace", "Weights", "WeightsFileError",
    "__version__", "compute", "embed", "export_computation", "forward", "init_weights", "load_weights",
    "manifest", "pipeline_steps", "save_weights", "sinusoidal_positions", "softmax", "table_text",
    "token_vector", "tokenize",
    "TOKENIZERS", "HeadStatistics", "ScalingCurves", "from_torch_state", "head_statistics", "jieba_available",
    "load_torch_weights", "save_torch_weights", "scaling_curves", "to_torch_state",
    "Edits", "Session", "SessionFileError", "load_session", "save_session",
]
