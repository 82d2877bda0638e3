#!/usr/bin/env bash
# The README's main job on the embedded synthetic data, CPU-friendly:
#   1. oCLIP pretraining (configs/pretrain/oclip_demo_synthetic.py)
#   2. backbone export: work_dirs/demo/pretrain/backbone.pth, written by
#      ExportBackboneHook, verified by a strict load into CLIPResNet
#   3. the decoder's character attention on a synthetic image (PNG)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PY=${PY:-$ROOT/.venv/bin/python}
OUT=${DEMO_WORK_DIR:-work_dirs/demo}
start=$(date +%s)

echo "== [1/3] oCLIP pretraining on synthetic scene text (about 2 minutes)"
"$PY" tools/train.py configs/pretrain/oclip_demo_synthetic.py \
  --work-dir "$OUT/pretrain" "$@"

echo "== [2/3] exported backbone: strict load into CLIPResNet"
"$PY" tools/export_backbone.py --verify-only "$OUT/pretrain/backbone.pth"

echo "== [3/3] character attention of the pretrained decoder"
ckpt=$(cat "$OUT/pretrain/last_checkpoint")
img=data/synthetic/imgs/train/000003.png
words=$("$PY" - "$img" <<'PYEOF'
import json, sys
ann = json.load(open('data/synthetic/textdet_train.json'))
item = next(d for d in ann['data_list'] if sys.argv[1].endswith(d['img_path']))
print(' '.join(f"{i['text']}:{len(i['text']) // 2}" for i in item['instances'][:4]))
PYEOF
)
"$PY" tools/visualize_attention.py configs/pretrain/oclip_demo_synthetic.py \
  "$ckpt" "$img" --words $words --out "$OUT/attention.png"

echo
echo "Done in $(( $(date +%s) - start )) s."
echo "  checkpoints and logs: $OUT/pretrain/"
echo "  backbone for finetuning: $OUT/pretrain/backbone.pth"
echo "  attention figure: $OUT/attention.png"
