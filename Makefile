# Two commands matter (see README): `make demo` and `make test`.
# Both create/refresh the project-local virtualenv first (tools/setup_env.sh).
PY := .venv/bin/python

.PHONY: install demo test test-fast bench docs clean-demo

install:
	@bash tools/setup_env.sh

demo: install
	@bash tools/run_demo.sh

test: install
	@$(PY) -m pytest -q

test-fast: install
	@$(PY) -m pytest -q -m "not slow"

docs: install
	@$(PY) -m sphinx -W --keep-going -b html docs docs/_build/html

bench: install
	@$(PY) benchmarks/bench_pretrain_step.py
	@$(PY) benchmarks/bench_data_pipeline.py
	@$(PY) benchmarks/bench_textdet_inference.py

clean-demo:
	rm -rf work_dirs/demo data/synthetic data/synth_pretrain data/synth_totaltext_256
