"""tools/study.py's report over finetuning seeds: per-seed comparison runs
(tools/compare_twins.py's comparison.csv and image_counts.npy) aggregated
into means, spreads and the paired interval of the fixed-threshold
difference, as the table prints them."""
import argparse
import csv
import json
import os

import numpy as np
import pytest

from oclip_mmocr.evaluation.bootstrap import hmean_of, paired_bootstrap
from tests.helpers import import_tool

study = import_tool('study')


def _counts(rng, n_img, p_hit):
    gts = rng.integers(1, 6, n_img)
    hits = rng.binomial(gts, p_hit)
    preds = hits + rng.integers(0, 2, n_img)
    return np.stack([hits, gts, preds], 1)


def _write_run(folder, pairs):
    """One compare_twins run: ``pairs`` maps a pair to (oCLIP counts,
    scratch counts); the CSV's fixed hmean is the counts' own."""
    os.makedirs(folder)
    rows = []
    for pair, (oc, sc) in pairs.items():
        stem = pair[:-len('_synth')]
        for init, c in (('oclip', oc), ('scratch', sc)):
            os.makedirs(folder / f'{stem}-{init}_synth')
            np.save(folder / f'{stem}-{init}_synth' / 'image_counts.npy', c)
        for protocol in ('best', 'fixed'):
            bump = 0.05 if protocol == 'best' else 0.
            rows.append(dict(
                pair=pair, detector=stem.upper(), protocol=protocol,
                schedule='6 epochs', test_images=len(oc),
                baseline_hmean=float(hmean_of(sc.sum(0))) + bump,
                oclip_hmean=float(hmean_of(oc.sum(0))) + bump))
    with open(folder / 'comparison.csv', 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_seeds_give_means_spreads_and_paired_intervals(tmp_path):
    rng = np.random.default_rng(0)
    n_img, seeds = 200, 3
    runs = []
    for k in range(seeds):
        shared = _counts(rng, n_img, 0.5)
        runs.append({
            # a clear gain: every image's hits up
            'dbnet_synth': (np.minimum(shared + [1, 0, 1], 99),
                            shared),
            # no effect: the twins draw from the same distribution
            'psenet_synth': (_counts(rng, n_img, 0.5),
                             _counts(rng, n_img, 0.5)),
        })
        _write_run(tmp_path / 'synth_totaltext' / f'seed{k}', runs[-1])
        for init, exit_iter in (('oclip', 100 + k), ('scratch', None)):
            (tmp_path / 'synth_totaltext' / f'seed{k}' /
             f'dbnet-{init}_synth' / 'plateau.json').write_text(json.dumps(
                 dict(exit_iter=exit_iter, max_iters=480)))
    table = study.collect(str(tmp_path), ['synth_totaltext'], False, seeds)
    rows = {r['detector']: r for r in table}
    assert set(rows) == {'DBNET', 'PSENET'}
    for det, pair in (('DBNET', 'dbnet_synth'), ('PSENET', 'psenet_synth')):
        r = rows[det]
        oc = np.stack([run[pair][0] for run in runs])
        sc = np.stack([run[pair][1] for run in runs])
        per_seed = hmean_of(oc.sum(1))
        assert r['oclip_fixed'] == pytest.approx(per_seed.mean())
        assert r['oclip_fixed_std'] == pytest.approx(per_seed.std(ddof=1))
        assert r['scratch_best'] == pytest.approx(
            hmean_of(sc.sum(1)).mean() + 0.05)
        ref = paired_bootstrap(oc, sc)
        assert (r['fixed_low'], r['fixed_high']) == pytest.approx(
            (ref['low'], ref['high']))
        assert r['seeds'] == seeds
    assert rows['DBNET']['oclip_plateau_exit'] == [100, 101, 102]
    assert rows['DBNET']['scratch_plateau_exit'] == [None] * 3
    assert 'iters' not in rows['PSENET']  # no record: no column value
    assert rows['DBNET']['fixed_sig'] and rows['DBNET']['fixed_low'] > 0
    assert not rows['PSENET']['fixed_sig']
    assert rows['PSENET']['fixed_low'] < 0 < rows['PSENET']['fixed_high']
    # Sim to real: the synth_icdar2015 models on real images, per seed.
    for k in range(seeds):
        _write_run(tmp_path / 'synth_icdar2015' / f'seed{k}',
                   {'dbnet_synth': runs[k]['dbnet_synth']})
        _write_run(tmp_path / 'sim2real' / f'seed{k}',
                   {'dbnet_synth': (_counts(rng, 10, 0.3),
                                    _counts(rng, 10, 0.3))})
    (ic15, ) = study.collect(str(tmp_path), ['synth_icdar2015'], True, seeds)
    real = [np.stack([np.load(tmp_path / 'sim2real' / f'seed{k}' /
                              f'dbnet-{init}_synth' / 'image_counts.npy')
                      for k in range(seeds)]) for init in ('oclip', 'scratch')]
    ref = paired_bootstrap(*real)
    assert ic15['oclip_real'] == pytest.approx(ref['a'])
    assert ic15['scratch_real_std'] == pytest.approx(ref['b_std'])
    assert (ic15['real_low'], ic15['real_high']) == pytest.approx(
        (ref['low'], ref['high']))
    args = argparse.Namespace(epochs=6, train_images=160, batch_size=4,
                              seeds=seeds, test_images=n_img,
                              pretrain_images=512, spotter_pretrain_images=0,
                              spotter_pretrain_epochs=0, detectors=['dbnet'])
    md = study.write_outputs(str(tmp_path), table, 60., args)
    line = {det: next(x for x in md.splitlines() if f'| {det} |' in x)
            for det in rows}
    assert ' ± ' in line['DBNET'] and ']*' in line['DBNET']
    assert '| never,never,never / 100,101,102 (of 480) |' in line['DBNET']
    assert line['PSENET'].endswith('| - |')
    assert ']*' not in line['PSENET'] and '[' in line['PSENET']
    assert '3 seed(s) per model' in md
    args.spotter_pretrain_images, args.detectors = 512, ['dbnet']
    assert 'spotter' not in study.write_outputs(str(tmp_path), table, 60.,
                                                args)
    args.detectors = ['dbnet', 'mts']
    assert 'the spotter first trained' in study.write_outputs(
        str(tmp_path), table, 60., args)
    md = study.write_outputs(str(tmp_path), [ic15], 60., args)
    assert 'Sim to real' in md and md.count(' ± ') >= 6


def test_a_run_without_counts_has_no_interval(tmp_path):
    """A seed run from before image_counts.npy existed: means still, no
    interval (it would not cover that seed)."""
    rng = np.random.default_rng(1)
    for k in range(2):
        _write_run(tmp_path / 'synth_icdar2015' / f'seed{k}',
                   {'fcenet_synth': (_counts(rng, 20, 0.6),
                                     _counts(rng, 20, 0.4))})
    os.remove(tmp_path / 'synth_icdar2015' / 'seed1' / 'fcenet-oclip_synth'
              / 'image_counts.npy')
    (row, ) = study.collect(str(tmp_path), ['synth_icdar2015'], False, 2)
    assert 'fixed_low' not in row and row['seeds'] == 2
    assert '[' not in study._cell(row, 'fixed', 'fixed')
    # One seed: no spread printed.
    (one, ) = study.collect(str(tmp_path), ['synth_icdar2015'], False, 1)
    assert ' ± ' not in study._cell(one, 'fixed', 'fixed')
    assert '[' in study._cell(one, 'fixed', 'fixed')


def test_a_run_is_redone_only_when_it_misses_a_pair(tmp_path):
    rng = np.random.default_rng(2)
    folder = tmp_path / 'synth_totaltext' / 'seed0'
    _write_run(folder, {'dbnet_synth': (_counts(rng, 5, .5),
                                        _counts(rng, 5, .5))})
    assert study.covered(str(folder), ['/x/dbnet-oclip_synth.py',
                                       '/x/dbnet-scratch_synth.py'])
    assert not study.covered(str(folder), [
        '/x/dbnet-oclip_synth.py', '/x/dbnet-normlat-oclip_synth.py'])
    assert not study.covered(str(tmp_path / 'nothing'),
                             ['/x/dbnet-oclip_synth.py'])


def test_variants_are_labelled_apart(tmp_path):
    """DBNet with normalised laterals is the same model type as DBNet: the
    table names it apart."""
    rng = np.random.default_rng(3)
    c = _counts(rng, 5, .5)
    _write_run(tmp_path / 'synth_ctw1500' / 'seed0',
               {'dbnet_synth': (c, c), 'dbnet-normlat_synth': (c, c)})
    # _write_run names the detector after the stem; the study after the
    # variant table or the model type.
    labels = {r['detector'] for r in study.collect(
        str(tmp_path), ['synth_ctw1500'], False, 1)}
    assert labels == {'DBNET', 'DBNet, normalised laterals'}


def _scalars(run_dir, stamp, records):
    path = run_dir / stamp / 'vis_data'
    path.mkdir(parents=True)
    with open(path / 'scalars.json', 'w') as f:
        for rec in records:
            f.write(json.dumps(rec) + '\n')


def test_learning_curves_over_seeds(tmp_path):
    """Validation hmeans logged during training (MMEngine's scalars.json,
    epoch steps) become each twin's curve: the mean and SD over seeds at
    the epochs every seed was validated; a resumed run's later values win;
    training records and other metrics are not read."""
    rng = np.random.default_rng(3)
    values = {('oclip', 0): (0.2, 0.4, 0.5), ('oclip', 1): (0.1, 0.3, 0.6),
              ('scratch', 0): (0.0, 0.1, 0.3), ('scratch', 1): (0.0, 0.2,
                                                                  0.3)}
    for k in range(2):
        folder = tmp_path / 'synth_totaltext' / f'seed{k}'
        _write_run(folder, {'psenet_synth': (_counts(rng, 10, .5),
                                             _counts(rng, 10, .4))})
        for init in ('oclip', 'scratch'):
            run = folder / f'psenet-{init}_synth'
            v = values[(init, k)]
            # An interrupted first run, then the resumed one.
            _scalars(run, '20261203_010000', [
                dict(loss=3.0, step=10),
                {'fixed/hmean': 0.99, 'icdar/hmean': 0.99, 'step': 4}])
            _scalars(run, '20261203_020000', [
                {'fixed/hmean': v[0], 'icdar/hmean': 0.9, 'step': 2},
                {'fixed/hmean': v[1], 'step': 4},
                {'fixed/hmean': v[2], 'step': 6}])
    (row, ) = study.collect(str(tmp_path), ['synth_totaltext'], False, 2)
    epochs = [e for e, _, _ in row['oclip_curve']]
    assert epochs == [2, 4, 6]
    assert [m for _, m, _ in row['oclip_curve']] == pytest.approx(
        [0.15, 0.35, 0.55])
    assert [sd for _, _, sd in row['scratch_curve']] == pytest.approx(
        [0., np.std([0.1, 0.2], ddof=1), 0.])
    args = argparse.Namespace(epochs=6, train_images=160, batch_size=4,
                              seeds=2, test_images=10, pretrain_images=512,
                              spotter_pretrain_images=0,
                              spotter_pretrain_epochs=0, detectors=['psenet'])
    md = study.write_outputs(str(tmp_path), [row], 60., args)
    curve = md.split('Learning curves')[1]
    assert ('| PSENET | synth_totaltext | 0.000 ± 0.000 → 0.150 ± 0.071 → '
            '0.300 ± 0.000 (epochs 2, 4, 6) | 0.150 ± 0.071 →') in curve
    # A seed validated at fewer epochs: the curve keeps the common ones.
    run = tmp_path / 'synth_totaltext' / 'seed1' / 'psenet-oclip_synth'
    _scalars(run, '20261203_030000', [{'fixed/hmean': 0.5, 'step': 3}])
    (row, ) = study.collect(str(tmp_path), ['synth_totaltext'], False, 2)
    assert [e for e, _, _ in row['oclip_curve']] == [2, 4, 6]


def test_pretraining_quality_in_the_report(tmp_path):
    """The pretraining's last validation and the linear probe are printed
    with their chance levels and interval."""
    _scalars(tmp_path / 'pretrain', '20261203_010000', [
        dict(loss=5.0, step=16),
        {'pretrain/char_acc': 0.3, 'pretrain/i2t_R@1': 0.1,
         'pretrain/i2t_R@5': 0.2, 'pretrain/t2i_R@1': 0.05,
         'pretrain/t2i_R@5': 0.25, 'pretrain/num_images': 64.0, 'step': 18},
        {'pretrain/char_acc': 0.45, 'pretrain/i2t_R@1': 0.125,
         'pretrain/i2t_R@5': 0.375, 'pretrain/t2i_R@1': 0.0625,
         'pretrain/t2i_R@5': 0.25, 'pretrain/num_images': 64.0, 'step': 36}])
    level = dict(oclip=0.8, random=0.7, diff=0.1, low=0.05, high=0.15)
    with open(tmp_path / 'pretrain' / 'probe.json', 'w') as f:
        json.dump(dict(fit_images=24, held_out_images=24, levels=dict(
            all=level, C2=dict(level, oclip=0.6))), f)
    args = argparse.Namespace(epochs=6, train_images=160, batch_size=4,
                              seeds=1, test_images=10, pretrain_images=512,
                              spotter_pretrain_images=0,
                              spotter_pretrain_epochs=0, detectors=['dbnet'])
    md = study.write_outputs(str(tmp_path), [], 60., args)
    assert ('64 held-out synth_pretrain images after epoch 36: '
            'masked-character accuracy 0.450; image→text R@1 / R@5 0.125 / '
            '0.375, text→image 0.062 / 0.250 (chance: 0.016 / 0.078)') in md
    assert ('AUROC oCLIP 0.800 vs random trunk 0.700, Δ +0.100 [+0.050, '
            '+0.150]') in md
    assert 'per level: C2 0.600 vs 0.700.' in md


def test_what_a_cell_can_carry(tmp_path):
    """The report names what keeps a cell from measuring the pretraining:
    a model on its plateau (never, or past half the schedule), a scratch
    baseline under 0.10, a ceiling; and the interval's verdict."""
    ok = dict(scratch_plateau_exit=[50, 60, 70],
              oclip_plateau_exit=[40, 45, 240], iters=480,
              scratch_fixed=0.3, oclip_fixed=0.4, fixed_sig=True)
    assert study.cell_limits(ok) == []
    assert study.verdict(ok) == 'oCLIP ahead'
    bad = dict(ok, oclip_plateau_exit=[None, 31, 241],
               scratch_fixed=0.05, oclip_fixed=0.92, fixed_sig=False)
    assert study.cell_limits(bad) == [
        'oCLIP never left its plateau in 1 of 3 seed(s)',
        'oCLIP left it after 50% of the schedule in 1 of 3 seed(s)',
        'scratch baseline 0.050 < 0.1', 'a twin at 0.920 >= 0.9 (ceiling)']
    assert study.verdict(bad) == 'no significant difference'
    assert study.verdict(dict(ok, oclip_fixed=0.2)) == 'oCLIP behind'
    assert study.verdict(dict(scratch_fixed=0.2)) == 'no interval'
    args = argparse.Namespace(epochs=6, train_images=160, batch_size=4,
                              seeds=3, test_images=10, pretrain_images=512,
                              spotter_pretrain_images=0,
                              spotter_pretrain_epochs=0, detectors=['dbnet'])
    md = study.write_outputs(
        str(tmp_path), [
            dict(bad, detector='DBNet', profile='synth_totaltext', seeds=3),
            dict(ok, detector='PSENet', profile='synth_totaltext', seeds=3)
        ], 60., args)
    assert ('| DBNet | synth_totaltext | no significant difference | oCLIP '
            'never left its plateau in 1 of 3 seed(s); ') in md
    assert '| PSENet | synth_totaltext | oCLIP ahead | none found |' in md


def _log(path, start, end, test=False):
    """An MMEngine log from second ``start`` to ``end`` of the hour."""
    path.mkdir(parents=True)
    stamp = '2026/12/03 07:{:02d}:{:02d} - mmengine - INFO - '
    kind = 'test' if test else 'train'
    (path / 'run.log').write_text(
        ''.join(stamp.format(*divmod(t, 60)) + f'Epoch({kind}) [1][1/1]\n'
                for t in (start, end)))


def test_costs_per_cell_and_in_all(tmp_path):
    """Each model's logs give its minutes (mean over seeds per twin), each
    cell its total over seeds and twins; the pretraining, the spotter's
    first stage and sim to real add to what a fresh run would cost."""
    rng = np.random.default_rng(5)
    for k in range(2):
        folder = tmp_path / 'synth_icdar2015' / f'seed{k}'
        _write_run(folder, {'psenet_synth': (_counts(rng, 10, .5),
                                             _counts(rng, 10, .4))})
        for init, train in (('oclip', 120 + 60 * k), ('scratch', 240)):
            run = folder / f'psenet-{init}_synth'
            _log(run / '20261203_010000', 0, train)
            _log(run / '20261203_020000', 0, 30, test=True)
        # Sim to real tests the same models on real images.
        real = tmp_path / 'sim2real' / f'seed{k}'
        _write_run(real, {'psenet_synth': (_counts(rng, 10, .5),
                                           _counts(rng, 10, .4))})
        for init in ('oclip', 'scratch'):
            _log(real / f'psenet-{init}_synth' / '20261203_030000', 0, 15,
                 test=True)
    _log(tmp_path / 'pretrain' / '20261203_000000', 0, 600)
    for init in ('oclip', 'scratch'):
        _log(tmp_path / 'spotter_pretrain' / f'mts-{init}_synth' / 'a', 0,
             300)
    (row, ) = study.collect(str(tmp_path), ['synth_icdar2015'], True, 2)
    assert row['oclip_cost'] == dict(train=150., val=0., test=30.)
    assert row['scratch_cost'] == dict(train=240., val=0., test=30.)
    assert row['cost_total'] == 120 + 180 + 2 * 240 + 4 * 30
    assert row['real_cost_total'] == 4 * 15
    assert study.stage_costs(str(tmp_path)) == {
        'oCLIP pretraining': 600., "the spotter's first stage": 600.}
    args = argparse.Namespace(epochs=6, train_images=160, batch_size=4,
                              seeds=2, test_images=10, pretrain_images=512,
                              spotter_pretrain_images=0,
                              spotter_pretrain_epochs=0, detectors=['psenet'])
    md = study.write_outputs(str(tmp_path), [row], 60., args)
    assert ('| PSENET | synth_icdar2015 | 4.0 + 0.0 + 0.5 | 2.5 + 0.0 + '
            '0.5 | 15.0 |') in md
    assert ('A fresh run of these cells and seeds: about 36 min (oCLIP '
            "pretraining 10, the spotter's first stage 10, finetuning and "
            'testing 15, sim to real 1). This adds up the runs\' own '
            'times') in md
