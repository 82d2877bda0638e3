#!/usr/bin/env bash
# The README's main job on the embedded synthetic data, CPU-friendly:
#   1. oCLIP pretraining (configs/pretrain/oclip_demo_synthetic.py)
#   2. backbone export: work_dirs/demo/pretrain/backbone.pth, written by
#      ExportBackboneHook, verified by a strict load into CLIPResNet
#   3. the decoder's character attention on a synthetic image (PNG)
#   4. finetune a DBNet from that backbone and its baseline twin (same trunk,
#      random init) on synthetic detection data, evaluate both, write the
#      comparison table, CSV and chart (tools/compare_twins.py)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PY=${PY:-$ROOT/.venv/bin/python}
OUT=${DEMO_WORK_DIR:-work_dirs/demo}
start=$(date +%s)

echo "== [1/4] oCLIP pretraining on synthetic scene text (about 2 minutes)"
"$PY" tools/train.py configs/pretrain/oclip_demo_synthetic.py \
  --work-dir "$OUT/pretrain" "$@"

echo "== [2/4] exported backbone: strict load into CLIPResNet"
"$PY" tools/export_backbone.py --verify-only "$OUT/pretrain/backbone.pth"

echo "== [3/4] character attention of the pretrained decoder"
ckpt=$(cat "$OUT/pretrain/last_checkpoint")
img=data/synth_pretrain/imgs/train/000003.jpg
words=$("$PY" - "$img" <<'PYEOF'
import json, sys
ann = json.load(open('data/synth_pretrain/textdet_train.json'))
item = next(d for d in ann['data_list'] if sys.argv[1].endswith(d['img_path']))
legible = [i['text'] for i in item['instances'] if not i['ignore']]
print(' '.join(f"{t}:{len(t) // 2}" for t in legible[:4]))
PYEOF
)
"$PY" tools/visualize_attention.py configs/pretrain/oclip_demo_synthetic.py \
  "$ckpt" "$img" --words $words --out "$OUT/attention.png"

echo "== [4/4] finetune DBNet: oCLIP trunk vs the same trunk from scratch"
"$PY" tools/compare_twins.py \
  configs/finetune/dbnet/dbnet_demo-oclip_synthetic.py \
  configs/finetune/dbnet/dbnet_demo-scratch_synthetic.py \
  --train --work-dir "$OUT/finetune" \
  --cfg-options oclip_backbone="$OUT/pretrain/backbone.pth"

"$PY" tools/plot_logs.py "$OUT/pretrain" --smooth 5 \
  --out "$OUT/pretrain_curves.png"
"$PY" tools/plot_logs.py "$OUT/finetune/dbnet_demo-oclip_synthetic" \
  "$OUT/finetune/dbnet_demo-scratch_synthetic" --smooth 5 \
  --out "$OUT/finetune_curves.png"

echo
echo "Done in $(( $(date +%s) - start )) s."
echo "  checkpoints and logs: $OUT/pretrain/"
echo "  backbone for finetuning: $OUT/pretrain/backbone.pth"
echo "  attention figure: $OUT/attention.png"
echo "  finetuned detectors: $OUT/finetune/dbnet_demo-{oclip,scratch}_synthetic/"
echo "  comparison table / CSV / chart: $OUT/finetune/comparison.{md,csv,png}"
echo "  training curves: $OUT/pretrain_curves.png, $OUT/finetune_curves.png"
