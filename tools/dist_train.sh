#!/usr/bin/env bash
# Multi-GPU / multi-node training through torchrun and MMEngine's launcher.
#   tools/dist_train.sh CONFIG GPUS [train.py args]
#   NNODES=2 NODE_RANK=0 MASTER_ADDR=10.0.0.1 tools/dist_train.sh CONFIG 8
# Without a CUDA device the processes run on the CPU (gloo).
if [ $# -lt 2 ]; then
    echo "usage: tools/dist_train.sh CONFIG NUM_PROCESSES [tools/train.py arguments]" >&2
    echo "  e.g. tools/dist_train.sh configs/pretrain/oclip_r50_synthtext.py 8 --resume" >&2
    echo "  multi-node: NNODES=2 NODE_RANK=0 MASTER_ADDR=10.0.0.1 tools/dist_train.sh CONFIG 8" >&2
    echo "  (without a CUDA device the processes run on the CPU with gloo)" >&2
    exit 2
fi
CONFIG=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}

PYTHONPATH="$(dirname "$0")/..":${PYTHONPATH:-} \
torchrun \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$GPUS" \
    --master_port="$PORT" \
    "$(dirname "$0")/train.py" \
    "$CONFIG" \
    --launcher pytorch "${@:3}"
