#!/usr/bin/python3
"""Where a model misreads the province, on real crops and on renders of the same province
(round 5's diagnosis, models/README.md). Real crops are only measured here, never trained on.

    /usr/bin/python3 tools/plates/province_probe.py --checkpoint /var/tmp/plates/ckpt4.pt \\
        --render /var/tmp/plates/render_r4_train.py ../shared/data/plates/ccpd-crops

1. The province read right on the folder's crops of its commonest province, and on --count
   blue renders of that province cut as bounding boxes (as ccpd-crops are), each split by
   quartile of brightness and of |roll| (crop_stats.plate_geometry), with what it is misread as;
   and for each, column measures at 94x24 (normalised grey, rows 7-16): where the gap between
   the province and the letter lies, the province's ink centre and left ink edge, in pixels.
2. The real crops altered (never trained on): the province region (columns 0-14 at 94x24)
   moved 1-2 px left or right, or widened / narrowed 15 %: how much the read depends on the
   glyph's exact place and size.
"""
import argparse
import collections
import csv
import importlib.util
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crop_stats  # noqa: E402
import train  # noqa: E402

GLYPHS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../shared/data/plates/generator-glyphs'))


def load_render(path):
    spec = importlib.util.spec_from_file_location('render_probe', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def read(model, render, ims):
    lines = [render.to_line(cv2.resize(i, (94, 24)), False) for i in ims]
    out = []
    with torch.no_grad():
        for k in range(0, len(lines), 128):
            out += train.greedy(model(train.to_tensor(lines[k:k + 128])))
    return out


def attrs(im):
    im = cv2.resize(im, (94, 24))
    g = cv2.cvtColor(im, cv2.COLOR_BGR2GRAY).astype(np.float32)
    geo = crop_stats.plate_geometry(im)
    return g.mean(), abs(geo[0]) if geo else 0.0


def columns(im):
    g = cv2.cvtColor(cv2.resize(im, (94, 24)), cv2.COLOR_BGR2GRAY).astype(np.float32)
    g = (g - g.mean()) / (g.std() + 1e-6)
    p = g[7:17].mean(0)
    gap = 10 + int(np.argmin(p[10:18]))
    ink = p[:gap] > 0.1
    left = int(np.argmax(ink)) if ink.any() else -1
    w = np.clip(p[:gap], 0, None)
    centre = (w * np.arange(gap)).sum() / max(w.sum(), 1e-6)
    return gap, centre, left


def pct(a):
    return ' / '.join(f'{v:.1f}' for v in np.percentile(a, [5, 25, 50, 75, 95]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('folder', help='real crops with manifest.csv (measured only)')
    ap.add_argument('--checkpoint', required=True)
    ap.add_argument('--render', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), 'render.py'),
                    help='the render.py to draw the renders with (e.g. the one the checkpoint was trained on)')
    ap.add_argument('--count', type=int, default=700)
    ap.add_argument('--seed', type=int, default=4242)
    args = ap.parse_args()
    torch.set_num_threads(1)
    render = load_render(args.render)
    model = train.PlateNet()
    train.load(args.checkpoint, model)
    model.eval()
    rows = list(csv.DictReader(open(os.path.join(args.folder, 'manifest.csv'), newline='')))
    prov = collections.Counter(r['plate'][0] for r in rows).most_common(1)[0][0]
    real = [cv2.imdecode(np.fromfile(os.path.join(args.folder, r['file']), np.uint8), cv2.IMREAD_COLOR)
            for r in rows if r['plate'][0] == prov]
    orig = render.random_text
    render.random_text = lambda kind, rng: prov + orig(kind, rng)[1:]
    glyphs = render.Glyphs(GLYPHS)
    synthetic = [render.sample(glyphs, args.seed, i, 'blue', 'bbox')[0] for i in range(args.count)]
    render.random_text = orig
    print(f'1. province {prov} read right (checkpoint {args.checkpoint}, renders by {args.render})')
    for name, ims in ((f'real ({args.folder})', real), (f'renders (seed {args.seed}, blue, bbox)', synthetic)):
        p = read(model, render, ims)
        ok = np.array([x[:1] == prov for x in p])
        a = np.array([attrs(i) for i in ims])
        print(f'  {name}: {ok.mean():.3f} of {len(ims)}; misread as '
              + ', '.join(f'{c} {n}' for c, n in collections.Counter(x[:1] for x in p if x[:1] != prov).most_common(8)))
        for j, an in enumerate(('grey mean', '|roll|')):
            qs = np.percentile(a[:, j], [25, 50, 75])
            b = np.digitize(a[:, j], qs)
            print(f'    by {an} quartile (cuts {", ".join(f"{q:.1f}" for q in qs)}): '
                  + ' / '.join(f'{ok[b == k].mean():.3f} (n={int((b == k).sum())})' if (b == k).any() else '-' for k in range(4)))
        c = np.array([columns(i) for i in ims])
        print(f'    columns at 94x24, 5/25/50/75/95: province-letter gap {pct(c[:, 0])} | '
              f'province ink centre {pct(c[:, 1])} | left ink edge {pct(c[:, 2])}')
    print('2. the real crops altered: full plate / province right')
    texts = [r['plate'] for r in rows]
    imgs = [cv2.resize(cv2.imdecode(np.fromfile(os.path.join(args.folder, r['file']), np.uint8), cv2.IMREAD_COLOR), (94, 24))
            for r in rows]

    def score(f):
        p = read(model, render, [f(i) for i in imgs])
        return np.mean([a == b for a, b in zip(p, texts)]), np.mean([a[:1] == b[:1] for a, b in zip(p, texts)])

    def moved(k, w=15):  # k > 0: the province region moved left by k px
        def f(im):
            o = im.copy()
            if k > 0:
                o[:, 0:w - k] = im[:, k:w]
            else:
                o[:, -k:w] = im[:, 0:w + k]
                o[:, :-k] = im[:, :1]
            return o
        return f

    def scaled(s, w=15):
        def f(im):
            o = im.copy()
            reg = cv2.resize(im[:, :w], (int(round(w * s)), 24), interpolation=cv2.INTER_LINEAR)
            if s < 1:
                o[:, w - reg.shape[1]:w] = reg
                o[:, :w - reg.shape[1]] = im[:, :1]
            else:
                o[:, :w] = reg[:, reg.shape[1] - w:]
            return o
        return f

    for name, f in (('as they are', lambda im: im), ('province moved 1 px left', moved(1)), ('2 px left', moved(2)),
                    ('1 px right', moved(-1)), ('2 px right', moved(-2)), ('province widened 15 %', scaled(1.15)),
                    ('narrowed 15 %', scaled(0.85))):
        full, pr = score(f)
        print(f'  {name}: {full:.3f} / {pr:.3f}')


if __name__ == '__main__':
    main()
