# The runtime of the configs composed from parts (TextBPN, the spotter, the
# demo and the study): MMOCR's, crash-safe (docs/long_runs.md). Configs built
# on an MMOCR recipe get MMOCR's runtime from it and set the same two keys.
_base_ = ['mmocr::textdet/_base_/default_runtime.py']
# Atomic checkpoints, and a process-group timeout so surviving ranks stop
# when one dies.
default_hooks = dict(checkpoint=dict(type='AtomicCheckpointHook'))
env_cfg = dict(dist_cfg=dict(timeout=1800))
