#!/usr/bin/python3
"""Where a model misreads double-row and 挂 plates (round 6's diagnosis, models/README.md).

    /usr/bin/python3 tools/plates/double_row_probe.py --checkpoint /var/tmp/plates/ckpt5.pt \\
        --heldout /var/tmp/plates/heldout_r5.npz --png /tmp/dr

1. The errors on a frozen held-out set's 'double' and 'gua' lines, by field (a double-row
   plate's top row = province + letter, the bottom row's serial, the 挂), as substitutions,
   insertions and deletions (difflib's alignment of the read against the truth), and the
   commonest substitutions.
   Where (which of the 24 time steps, 4 line columns each) the read's first three characters
   start: a double-row line's top row is columns 0-39, its letter on columns 24-37.
2. The same plates re-rendered from the held-out seed with this render.py (the set must come
   from it: each re-rendered line is compared with the frozen one) and split by how the crop was
   made: bounding box or rectified, tilted or not (the draws of render.degrade, recorded), and by
   how much of each row's ink to_line's cut keeps: the top row's ink inside the top window, the
   bottom row's ink below the split (a marker plate, its ink white on black, through the same
   geometry as the plate).
3. --png: the wrong lines, 4x, with the crop beside, for viewing.
4. --crops DIR: the re-rendered crops themselves with a manifest.csv (file, plate, kind, rows),
   for the C++ reader: `build/bin/gwbench vision --plates DIR` (its double_row_split as well).
"""
import argparse
import collections
import difflib
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render  # noqa: E402
import train  # noqa: E402


class Recorder:
    """An rng that answers as the real one and remembers degrade's tilt and crop draws."""

    def __init__(self, rng):
        self.rng, self.calls = rng, []

    def __getattr__(self, name):
        f = getattr(self.rng, name)

        def call(*a, **k):
            r = f(*a, **k)
            self.calls.append((name, a, r))
            return r
        return call


def rerender(glyphs, seed, index, kind):
    """render.sample's draws, with degrade's recorded: (crop, text, double_row, info)."""
    rng = np.random.default_rng([seed, index])
    text = render.random_text(kind, rng)
    double_row = kind == 'double' or (kind == 'gua' and rng.random() < 0.5)
    plate = render.render_plate(glyphs, 'double' if double_row else kind, text, rng)
    rec = Recorder(rng)
    crop = render.degrade(plate, double_row, rec)
    normals = [(a, r) for name, a, r in rec.calls if name == 'normal']
    tilted = any(a[:2] == (0, 0.2) for a, _ in normals)
    vshear = next((r for a, r in normals if a[:2] in ((0, 0.2), (0, 0.03))), 0.0)
    # only the bounding-box path draws the camera width uniform(70, 220)
    bbox = any(name == 'uniform' and a[:2] == (70, 220) for name, a, _ in rec.calls)
    return crop, text, double_row, dict(tilted=tilted, vshear=float(vshear), bbox=bbox)


def edit_ops(pred, text):
    """[(op, truth position or -1, truth char, read char)] aligning pred to text."""
    ops = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, text, pred, autojunk=False).get_opcodes():
        if tag == 'equal':
            continue
        if tag == 'replace' and i2 - i1 == j2 - j1:
            ops += [('sub', i1 + k, text[i1 + k], pred[j1 + k]) for k in range(i2 - i1)]
        else:
            ops += [('del', i, text[i], '') for i in range(i1, i2)]
            ops += [('ins', i1, '', pred[j]) for j in range(j1, j2)]
    return ops


def field(text, pos, double_row):
    if pos == len(text) - 1 and text[-1] == '挂':
        return '挂'
    if pos < 2:
        return 'top row' if double_row else 'province+letter'
    return 'serial'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--checkpoint', required=True)
    ap.add_argument('--heldout', required=True, help='a frozen set of this render.py (train.py heldout)')
    ap.add_argument('--png', default='', help='write the wrong lines here')
    ap.add_argument('--crops', default='', help='write the re-rendered crops and a manifest.csv here')
    ap.add_argument('--threads', type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = train.PlateNet()
    train.load(args.checkpoint, model)
    model.eval()
    z = np.load(args.heldout)
    kinds, texts = [str(k) for k in z['kinds']], [str(t) for t in z['texts']]
    idx = [n for n, k in enumerate(kinds) if k in ('double', 'gua')]
    glyphs = render.Glyphs()
    rows = []
    same = 0
    for n in idx:
        crop, text, double_row, info = rerender(glyphs, train.HELDOUT_SEED, n, kinds[n])
        line = render.to_line(crop, double_row)
        same += text == texts[n] and np.array_equal(line, z['lines'][n])
        rows.append(dict(n=n, kind=kinds[n], text=texts[n], double_row=double_row, crop=crop, line=z['lines'][n], **info))
    print(f're-rendered {same} of {len(idx)} lines identical to the frozen set')
    with torch.no_grad():
        logits = model(train.to_tensor([r['line'] for r in rows]))
    preds = train.greedy(logits)
    best = logits[:, :, 0, :].argmax(1).numpy()
    for r, p, b in zip(rows, preds, best):
        r['pred'] = p
        # the time step in which each read character starts (greedy CTC)
        r['steps'] = [t for t, k in enumerate(b) if k != 0 and (t == 0 or b[t - 1] != k)]
    # 1. errors by field
    for kind in ('double', 'gua'):
        for dr in (True, False):
            sel = [r for r in rows if r['kind'] == kind and r['double_row'] == dr]
            if not sel:
                continue
            wrong = [r for r in sel if r['pred'] != r['text']]
            ops = collections.Counter()
            subs = collections.Counter()
            for r in wrong:
                for op, pos, t, p in edit_ops(r['pred'], r['text']):
                    f = field(r['text'], pos, dr) if pos >= 0 and pos < len(r['text']) else 'end'
                    ops[(f, op)] += 1
                    if op == 'sub':
                        subs[f'{t}->{p}'] += 1
            lens = collections.Counter(len(r['pred']) - len(r['text']) for r in wrong)
            print(f'\n{kind} {"double-row" if dr else "single-row"}: {len(sel) - len(wrong)} of {len(sel)} right; '
                  f'read length - true length among the wrong: {dict(sorted(lens.items()))}')
            for (f, op), c in sorted(ops.items(), key=lambda x: -x[1]):
                print(f'  {f:16s} {op}: {c}')
            print('  substitutions: ' + ', '.join(f'{k} {v}' for k, v in subs.most_common(15)))
    # 2. by geometry (double-row plates only)
    dr = [r for r in rows if r['double_row']]
    print(f'\ndouble-row plates (double and gua): {sum(r["pred"] == r["text"] for r in dr)} of {len(dr)} right')
    for name, test in (('bounding box', lambda r: r['bbox']), ('rectified', lambda r: not r['bbox']),
                       ('tilted', lambda r: r['tilted']), ('untilted', lambda r: not r['tilted']),
                       ('|vshear| < 0.05', lambda r: abs(r['vshear']) < 0.05),
                       ('|vshear| 0.05-0.15', lambda r: 0.05 <= abs(r['vshear']) < 0.15),
                       ('|vshear| >= 0.15', lambda r: abs(r['vshear']) >= 0.15),
                       ('bbox, |vshear| < 0.05', lambda r: r['bbox'] and abs(r['vshear']) < 0.05),
                       ('rectified, untilted', lambda r: not r['bbox'] and not r['tilted'])):
        sel = [r for r in dr if test(r)]
        if sel:
            print(f'  {name:24s} {sum(r["pred"] == r["text"] for r in sel) / len(sel):.3f} (n={len(sel)})')
    # letters by row: the top row's (220_up glyphs, one per plate) against the bottom row's
    for name, pick in (('top-row letter', lambda t: [1]), ('bottom-row letters', lambda t: [k for k in range(2, len(t)) if t[k] in render.LETTERS])):
        n = ok = 0
        for r in dr:
            if len(r['pred']) != len(r['text']):
                continue
            for k in pick(r['text']):
                n += 1
                ok += r['pred'][k] == r['text'][k]
        print(f'  {name:24s} read right {ok / max(n, 1):.3f} (n={n}, reads of the right length)')
    n = ok = 0
    for r in dr:
        if len(r['pred']) == len(r['text']):
            n += 1
            ok += r['pred'][0] == r['text'][0]
    print(f'  {"top-row province":24s} read right {ok / max(n, 1):.3f} (n={n})')
    for name, sel in (('double-row', dr), ('single-row', [r for r in rows if not r['double_row']])):
        for j, what in ((0, 'province'), (1, 'letter'), (2, 'third character')):
            c = collections.Counter(r['steps'][j] for r in sel if len(r['steps']) > j)
            print(f'  {name} lines: the {what} is read in time step ' + ', '.join(f'{t}: {n}' for t, n in sorted(c.items())))
    sr = [r for r in rows if not r['double_row']]
    print(f'single-row 挂 plates: {sum(r["pred"] == r["text"] for r in sr)} of {len(sr)} right')
    if args.crops:
        os.makedirs(args.crops, exist_ok=True)
        with open(os.path.join(args.crops, 'manifest.csv'), 'w', encoding='utf-8') as f:
            f.write('file,plate,kind,rows\n')
            for r in rows:
                name = f'{r["n"]:04d}.png'
                cv2.imwrite(os.path.join(args.crops, name), r['crop'])
                f.write(f'{name},{r["text"]},{r["kind"]}_{"dr" if r["double_row"] else "sr"},{2 if r["double_row"] else 1}\n')
        print(f'wrote {len(rows)} crops and manifest.csv to {args.crops}')
    if args.png:
        os.makedirs(args.png, exist_ok=True)
        for r in rows:
            if r['pred'] == r['text']:
                continue
            line = cv2.resize(r['line'], (96 * 4, 32 * 4), interpolation=cv2.INTER_NEAREST)
            c = r['crop']
            c = cv2.resize(c, (int(c.shape[1] * 128 / c.shape[0]), 128))
            gap = np.full((128, 8, 3), 255, np.uint8)
            name = f'{r["n"]:03d}_{r["kind"]}_{"dr" if r["double_row"] else "sr"}_{"bbox" if r["bbox"] else "rect"}_v{r["vshear"]:+.2f}.png'
            cv2.imwrite(os.path.join(args.png, name), np.hstack([line, gap, c]))
            print(f'{name}: {r["text"]} read {r["pred"]}')


if __name__ == '__main__':
    main()
