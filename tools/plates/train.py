#!/usr/bin/python3
"""Trains, measures and exports the plate recogniser (a small CTC model on render.py's lines).

    # train (resumes from CKPT if it exists; stop it any time, run it again to go on)
    nice -n 19 /usr/bin/python3 tools/plates/train.py train --checkpoint /var/tmp/plates/ckpt.pt
    # measure a checkpoint on the held-out synthetic set and on a folder with a manifest.csv
    /usr/bin/python3 tools/plates/train.py eval --checkpoint CKPT --real ../shared/data/plates/ccpd-crops
    # export the ONNX the gateway ships (opset 11, batch 1, OpenCV 4.6's importer)
    /usr/bin/python3 tools/plates/train.py export --checkpoint CKPT --out models/plate_ocr.onnx
    # measure the exported file as the gateway runs it (OpenCV dnn, one thread)
    /usr/bin/python3 tools/plates/train.py measure --onnx models/plate_ocr.onnx --real ../shared/data/plates/ccpd-crops

The training stream is render.sample(TRAIN_SEED, i) for i = 0, 1, 2, ...: a resumed run
continues at the sample after the last one the checkpoint saw, so a run stopped and resumed
sees exactly the data of an uninterrupted one. The held-out set is another seed
(HELDOUT_SEED), never trained on. Real crops are for measuring only.
"""
import argparse
import csv
import math
import os
import sys
import time

import cv2
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render  # noqa: E402

TRAIN_SEED = 20261205
HELDOUT_SEED = 5
NUM_CLASSES = len(render.ALPHABET) + 1  # + the CTC blank at index 0
PROVINCE_FRAMES = 3  # --province-weight: the time steps the province is looked for in
# --top-letter-weight, double-row lines only: no letter in these time steps, and the letter
# looked for in TOP_LETTER_FRAMES (the top row's letter lies on line columns 24-37 of 96,
# time steps 6-9; CTC put it in step 1, at the edge of what that step sees: models/README.md).
TOP_LETTER_KEEP_OUT = range(1, 4)
TOP_LETTER_FRAMES = range(4, 10)


class PlateNet(nn.Module):
    """3x32x96 BGR line -> [1, NUM_CLASSES, 1, 24] logits (24 time steps, left to right).

    Only Conv, BatchNorm, ReLU and MaxPool: every op OpenCV 4.6's ONNX importer takes, and the
    output keeps its 4-D layout so that the export needs no Squeeze or Transpose."""

    def __init__(self):
        super().__init__()

        def block(cin, cout, k=3, pad=1):
            return [nn.Conv2d(cin, cout, k, padding=pad, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

        self.features = nn.Sequential(
            *block(3, 32), nn.MaxPool2d(2),                          # 16x48
            *block(32, 64), nn.MaxPool2d(2),                         # 8x24
            *block(64, 96), *block(96, 96), nn.MaxPool2d((2, 1)),    # 4x24
            *block(96, 128), nn.MaxPool2d((2, 1)),                   # 2x24
            *block(128, 128, (2, 1), 0),                             # 1x24
            *block(128, 128, (1, 5), (0, 2)),                        # context along the line
        )
        self.classifier = nn.Conv2d(128, NUM_CLASSES, 1)

    def forward(self, x):
        return self.classifier(self.features(x))


def to_tensor(lines):
    """uint8 BGR HxWx3 lines -> float NCHW in [-1, 1] (plate_reader.cpp does the same)."""
    a = np.stack(lines).astype(np.float32)
    return torch.from_numpy((a - 127.5) / 127.5).permute(0, 3, 1, 2).contiguous()


def encode(text):
    return [render.ALPHABET.index(c) + 1 for c in text]


def greedy(logits):
    """logits [N, C, 1, T] -> texts (best path: collapse repeats, drop blanks)."""
    best = logits[:, :, 0, :].argmax(1).cpu().numpy()
    out = []
    for row in best:
        s, prev = [], 0
        for k in row:
            if k != prev and k != 0:
                s.append(render.ALPHABET[k - 1])
            prev = k
        out.append(''.join(s))
    return out


class Stream(torch.utils.data.IterableDataset):
    def __init__(self, start, batch, kind_weights=None):
        self.start, self.batch, self.kind_weights = start, batch, kind_weights

    def __iter__(self):
        glyphs = render.Glyphs()
        i = self.start
        while True:
            lines, texts, rows = [], [], []
            for _ in range(self.batch):
                crop, text, _, double_row = render.sample(glyphs, TRAIN_SEED, i, kind_weights=self.kind_weights)
                lines.append(render.to_line(crop, double_row))
                texts.append(text)
                rows.append(double_row)
                i += 1
            yield to_tensor(lines), texts, torch.tensor(rows)


def heldout_set(per_kind):
    glyphs = render.Glyphs()
    items = []
    n = 0
    for kind in render.KINDS:
        for _ in range(per_kind):
            crop, text, kind_, double_row = render.sample(glyphs, HELDOUT_SEED, n, kind)
            items.append((render.to_line(crop, double_row), text, kind_))
            n += 1
    return items


def heldout_file(path):
    """A held-out set frozen by `train.py heldout` (the lines of an earlier commit's renderer),
    so that a model trained on a changed renderer is still measured on the old set too."""
    z = np.load(path)
    return [(line, str(text), str(kind)) for line, text, kind in zip(z['lines'], z['texts'], z['kinds'])]


def cmd_heldout(args):
    items = heldout_set(args.per_kind)
    np.savez_compressed(args.out, lines=np.stack([i[0] for i in items]), texts=np.array([i[1] for i in items]),
                        kinds=np.array([i[2] for i in items]))
    print(f'wrote {len(items)} held-out lines (render.sample({HELDOUT_SEED}, i), {args.per_kind} per kind) to {args.out}')


def real_set(folder):
    items = []
    with open(os.path.join(folder, 'manifest.csv'), newline='') as f:
        for row in csv.DictReader(f):
            img = cv2.imdecode(np.fromfile(os.path.join(folder, row['file']), np.uint8), cv2.IMREAD_COLOR)
            double_row = row.get('rows') == '2'
            items.append((render.to_line(img, double_row), row['plate'], 'real'))
    return items


def tally(stats, group, pred, text):
    """Counts one read into stats[group] and stats['all']: [full right, chars right, chars, plates]."""
    for g in (group, 'all'):
        s = stats.setdefault(g, [0, 0, 0, 0])
        s[0] += pred == text
        s[1] += sum(a == b for a, b in zip(pred, text)) if len(pred) == len(text) else 0
        s[2] += len(text)
        s[3] += 1


@torch.no_grad()
def measure(model, items):
    """{group: (full-plate accuracy, character accuracy, n)}; characters compared by position."""
    model.eval()
    stats = {}
    for k in range(0, len(items), 128):
        chunk = items[k:k + 128]
        preds = greedy(model(to_tensor([c[0] for c in chunk])))
        for (_, text, group), pred in zip(chunk, preds):
            tally(stats, group, pred, text)
    model.train()
    return {g: (s[0] / s[3], s[1] / s[2], s[3]) for g, s in stats.items()}


def load(path, model, opt=None):
    ck = torch.load(path, map_location='cpu')
    model.load_state_dict(ck['model'])
    if opt is not None:
        opt.load_state_dict(ck['opt'])
    return ck


def kind_weights(specs):
    """--kind-weight KIND=W ...: render.KIND_SHARES with those kinds' shares replaced,
    normalised; None when none is given (render.KIND_WEIGHTS: the stream of rounds 1-5)."""
    if not specs:
        return None
    w = dict(zip(render.KINDS, render.KIND_SHARES))
    for spec in specs:
        kind, _, value = spec.partition('=')
        if kind not in w or not value:
            sys.exit(f'train.py: --kind-weight {spec}: expected KIND=WEIGHT, KIND one of {", ".join(render.KINDS)}')
        w[kind] = float(value)
    a = np.array([w[k] for k in render.KINDS])
    return a / a.sum()


def cmd_train(args):
    torch.set_num_threads(args.threads)
    weights = kind_weights(args.kind_weight)
    torch.manual_seed(TRAIN_SEED)
    model = PlateNet()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    step, seen, elapsed = 0, 0, 0.0
    if os.path.exists(args.checkpoint):
        ck = load(args.checkpoint, model, opt)
        step, seen, elapsed = ck['step'], ck['seen'], ck['elapsed']
        saved = ck.get('kind_weights')
        if (saved is None) != (weights is None) or (saved is not None and not np.allclose(saved, weights)):
            sys.exit(f'train.py: {args.checkpoint} was trained with kind weights {saved}, not {weights}: '
                     'resume with the same --kind-weight')
        print(f'resumed at step {step} ({seen} images, {elapsed / 3600:.2f} h)', flush=True)
    else:
        os.makedirs(os.path.dirname(os.path.abspath(args.checkpoint)), exist_ok=True)
        if args.init:
            # Fine-tuning: the weights of an earlier run, a fresh optimiser, step and stream.
            ck = load(args.init, model)
            print(f'initialised from {args.init} (its step {ck["step"]})', flush=True)
    print(f'parameters: {sum(p.numel() for p in model.parameters())}', flush=True)
    teacher = None
    if args.keep_single_row:
        teacher = PlateNet()
        ck = load(args.keep_single_row, teacher)
        teacher.eval()
        for prm in teacher.parameters():
            prm.requires_grad_(False)
        print(f'single-row lines kept near {args.keep_single_row} (its step {ck["step"]}), weight {args.keep_weight}', flush=True)
    if weights is not None:
        print('kind weights: ' + ' '.join(f'{k}={w:.3f}' for k, w in zip(render.KINDS, weights)), flush=True)
    heldout = heldout_set(25)
    real = real_set(args.real) if args.real else []
    loader = torch.utils.data.DataLoader(Stream(seen, args.batch, weights), batch_size=None, num_workers=args.workers,
                                         prefetch_factor=4 if args.workers else 2)
    t0, window_t, window_n = time.time(), time.time(), 0
    for x, texts, double_rows in loader:
        # Exponential decay to a floor: the schedule depends only on the step, so resuming is exact.
        lr = max(args.lr * 0.5 ** (step / args.half_life), args.lr / 20)
        for g in opt.param_groups:
            g['lr'] = lr
        logits = model(x)[:, :, 0, :]                       # N, C, T
        logp = F.log_softmax(logits, 1).permute(2, 0, 1)    # T, N, C
        targets = torch.tensor([k for t in texts for k in encode(t)])
        lengths = torch.tensor([len(t) for t in texts])
        loss = F.ctc_loss(logp, targets, torch.full((len(texts),), logp.shape[0], dtype=torch.long), lengths,
                          zero_infinity=True)
        if args.province_weight:
            # The province, one character in seven and each of its 31 classes in 1/31 of the
            # plates, is most of the errors (round 4's model: 57 of 74 on ccpd-crops) and is
            # read as badly on synthetic crops as on real ones (models/README.md, round 5).
            # CTC's mean loss gives it 1/7 of a plate's weight; this adds a cross-entropy among
            # the 31 province classes on the best of the first PROVINCE_FRAMES time steps,
            # where the round-4 model emits it (step 0 on all 800 round-4 held-out lines: CTC's
            # choice, not imposed), so it weighs more without being moved. The exported model
            # is unchanged.
            prov = logits[:, 1:1 + len(render.PROVINCES), :PROVINCE_FRAMES].max(2).values
            want = torch.tensor([render.PROVINCES.index(t[0]) for t in texts])
            loss = loss + args.province_weight * F.cross_entropy(prov, want)
        if args.top_letter_weight and double_rows.any():
            # A double-row plate's top-row letter (round 6, models/README.md): the round-5 model
            # emits it in time step 1 on every double-row line, 24 columns left of where it lies,
            # where the letter's right half (what tells M from N, B from E, Q from C, F from R)
            # is at or past the edge of what step 1 sees; 0.80 of those letters read right
            # against 1.00 of the bottom row's. This keeps letters out of steps 1-3 (their
            # probability there is pushed to the blank or the province) and adds a cross-entropy
            # among the letters on the best of steps 4-9, so that CTC re-aligns the letter onto
            # its own columns. Single-row lines are not touched; the exported model is the same
            # network.
            dr = torch.nonzero(double_rows).flatten()
            p = F.softmax(logits[dr], 1)
            prov = p[:, 1:1 + len(render.PROVINCES)].sum(1)
            stay = (p[:, 0] + prov)[:, TOP_LETTER_KEEP_OUT.start:TOP_LETTER_KEEP_OUT.stop]
            keep_out = -torch.log(stay.clamp(min=1e-6)).sum(1).mean()
            first = len(render.PROVINCES) + len(render.DIGITS) + 1
            let = logits[dr][:, first:first + len(render.LETTERS), TOP_LETTER_FRAMES.start:TOP_LETTER_FRAMES.stop].max(2).values
            want = torch.tensor([render.LETTERS.index(texts[k][1]) for k in dr.tolist()])
            loss = loss + args.top_letter_weight * (keep_out + F.cross_entropy(let, want))
        if teacher is not None and (~double_rows).any():
            # Single-row lines (every real crop is one) read as the given model reads them: the
            # KL divergence from its per-step distribution, so that what a fine-tuning aimed at
            # double-row lines changes in shared weights does not move the single-row reads.
            sr = torch.nonzero(~double_rows).flatten()
            with torch.no_grad():
                want_p = F.softmax(teacher(x[sr])[:, :, 0, :], 1)
            keep = F.kl_div(F.log_softmax(logits[sr], 1), want_p, reduction='none').sum((1, 2)).mean()  # per line
            loss = loss + args.keep_weight * keep
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        seen += len(texts)
        window_n += len(texts)
        if step % args.log_every == 0:
            now = time.time()
            print(f'step {step} images {seen} loss {loss.item():.4f} lr {lr:.2e} '
                  f'{window_n / (now - window_t):.1f} images/s', flush=True)
            window_t, window_n = now, 0
        if step % args.save_every == 0 or (args.steps and step >= args.steps):
            elapsed_now = elapsed + time.time() - t0
            tmp = args.checkpoint + '.tmp'
            torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'step': step, 'seen': seen,
                        'elapsed': elapsed_now, 'kind_weights': weights}, tmp)
            os.replace(tmp, args.checkpoint)
            if step % args.eval_every == 0:
                m = measure(model, heldout)
                r = measure(model, real).get('all') if real else None
                per_kind = ' '.join(f'{k}={m[k][0]:.2f}' for k in render.KINDS)
                print(f'eval step {step} ({elapsed_now / 3600:.2f} h): synthetic full {m["all"][0]:.3f} '
                      f'[{per_kind}]' + (f' real full {r[0]:.3f} char {r[1]:.3f}' if r else ''), flush=True)
        if args.steps and step >= args.steps:
            break


def cmd_eval(args):
    torch.set_num_threads(args.threads)
    model = PlateNet()
    ck = load(args.checkpoint, model)
    print(f'checkpoint: step {ck["step"]}, {ck["seen"]} images, {ck["elapsed"] / 3600:.2f} h')
    m = measure(model, heldout_set(args.per_kind))
    for k in list(render.KINDS) + ['all']:
        print(f'synthetic {k}: full {m[k][0]:.3f} char {m[k][1]:.3f} (n={m[k][2]})')
    for path in args.heldout:
        m = measure(model, heldout_file(path))
        print(f'frozen {path}: ' + ' '.join(f'{k} {m[k][0]:.3f}' for k in list(render.KINDS) + ['all'] if k in m)
              + f' (char all {m["all"][1]:.3f}, n={m["all"][2]})')
    for folder in args.real:
        r = measure(model, real_set(folder))['all']
        print(f'real {folder}: full {r[0]:.3f} char {r[1]:.3f} (n={r[2]})')


def cmd_from_onnx(args):
    """A trainable checkpoint from a shipped ONNX whose training checkpoint is lost.

    torch's export folded each BatchNorm into the conv before it (do_constant_folding): the
    ONNX holds conv weight W and bias b, where PlateNet has a bias-free conv and a BatchNorm.
    The conv takes W; the BatchNorm is rebuilt so that in eval mode it adds b, and so that its
    running statistics are those of the conv's output on the training stream (recalibrated
    here on --calib synthetic renders of the stream's first images, never on real crops):
    mean m and variance v per channel, then gamma = sqrt(v + eps), beta = b + m, which gives
    gamma * (x - m) / sqrt(v + eps) + beta = x + b exactly. Training mode then normalises with
    batch statistics close to (m, v), as the original BatchNorm did, so fine-tuning starts
    from the shipped function instead of a shifted one."""
    import onnx
    from onnx import numpy_helper
    torch.set_num_threads(args.threads)
    graph = onnx.load(args.onnx).graph
    init = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}
    convs = [n for n in graph.node if n.op_type == 'Conv']
    model = PlateNet()
    pairs = [(m, model.features[k + 1]) for k, m in enumerate(model.features) if isinstance(m, nn.Conv2d)]
    if len(convs) != len(pairs) + 1:
        sys.exit(f'from-onnx: {len(convs)} Conv nodes, PlateNet has {len(pairs) + 1} convs')
    biases = []
    for node, (conv, bn) in zip(convs, pairs):
        w, b = init[node.input[1]], init[node.input[2]]
        if w.shape != conv.weight.shape:
            sys.exit(f'from-onnx: {node.name} weight {tuple(w.shape)}, PlateNet {tuple(conv.weight.shape)}')
        conv.weight.data.copy_(w)
        biases.append(b)
    model.classifier.weight.data.copy_(init[convs[-1].input[1]])
    model.classifier.bias.data.copy_(init[convs[-1].input[2]])
    # Statistics of each conv's output (no bias) on the synthetic training stream.
    sums = [[0.0, 0.0, 0] for _ in pairs]
    hooks = []
    for k, (conv, _) in enumerate(pairs):
        def hook(mod, inp, out, k=k):
            o = out.double()
            sums[k][0] += o.sum((0, 2, 3))
            sums[k][1] += (o * o).sum((0, 2, 3))
            sums[k][2] += o.numel() // o.shape[1]
        hooks.append(conv.register_forward_hook(hook))
    # BatchNorm as the folded bias alone while the statistics are gathered.
    for (conv, bn), b in zip(pairs, biases):
        bn.weight.data.fill_(1.0)
        bn.bias.data.copy_(b)
        bn.running_mean.zero_()
        bn.running_var.fill_(1.0 - bn.eps)
    model.eval()
    glyphs = render.Glyphs()
    with torch.no_grad():
        for start in range(0, args.calib, 128):
            lines = []
            for i in range(start, min(start + 128, args.calib)):
                crop, _, _, double_row = render.sample(glyphs, TRAIN_SEED, i)
                lines.append(render.to_line(crop, double_row))
            model(to_tensor(lines))
    for h in hooks:
        h.remove()
    for (conv, bn), b, (s1, s2, n) in zip(pairs, biases, sums):
        m = s1 / n
        v = (s2 / n - m * m).clamp(min=1e-6)
        bn.running_mean.copy_(m.float())
        bn.running_var.copy_(v.float())
        bn.weight.data.copy_(torch.sqrt(v + bn.eps).float())
        bn.bias.data.copy_((b.double() + m).float())
    # The rebuilt model must compute what the ONNX computes.
    cv2.setNumThreads(1)
    net = cv2.dnn.readNetFromONNX(args.onnx)
    x = to_tensor([render.to_line(*render.sample(glyphs, HELDOUT_SEED, i)[::3]) for i in range(8)])
    with torch.no_grad():
        ours = model(x).numpy()
    worst = 0.0
    for k in range(len(x)):
        net.setInput(x[k:k + 1].numpy())
        worst = max(worst, float(np.abs(net.forward() - ours[k:k + 1]).max()))
    print(f'from-onnx: {len(pairs)} conv+BatchNorm layers and the classifier; largest logit difference '
          f'against the ONNX through OpenCV: {worst:.2e}')
    if worst > 1e-3:
        sys.exit('from-onnx: the rebuilt model does not reproduce the ONNX')
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save({'model': model.state_dict(), 'opt': None, 'step': 0, 'seen': 0, 'elapsed': 0.0,
                'from_onnx': os.path.abspath(args.onnx)}, args.out)
    print(f'wrote {args.out}')


def cmd_export(args):
    model = PlateNet()
    ck = load(args.checkpoint, model)
    model.eval()
    x = torch.zeros(1, 3, render.LINE_H, render.LINE_W)
    torch.onnx.export(model, x, args.out, opset_version=11, input_names=['line'], output_names=['logits'],
                      do_constant_folding=True)
    print(f'exported step {ck["step"]} ({ck["seen"]} images) to {args.out}')


def cmd_measure(args):
    """The shipped artifact as the gateway runs it: the ONNX through OpenCV's dnn module."""
    cv2.setNumThreads(1)
    net = cv2.dnn.readNetFromONNX(args.onnx)
    sets = [('synthetic', heldout_set(args.per_kind))] + [(p, heldout_file(p)) for p in args.heldout] + \
        [(f, real_set(f)) for f in args.real]
    for name, items in sets:
        stats, times = {}, []
        for line, text, group in items:
            t = time.perf_counter()
            net.setInput(to_tensor([line]).numpy())
            pred = greedy(torch.from_numpy(net.forward()))[0]
            times.append(time.perf_counter() - t)
            tally(stats, group, pred, text)
        for g, s in stats.items():
            print(f'{name} {g}: full {s[0] / s[3]:.3f} char {s[1] / s[2]:.3f} (n={s[3]})')
        print(f'{name}: {1000 * float(np.median(times)):.2f} ms per crop (median, model only, 1 thread)')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    t = sub.add_parser('train')
    t.add_argument('--checkpoint', required=True, help='kept outside the repository')
    t.add_argument('--batch', type=int, default=64)
    t.add_argument('--lr', type=float, default=2e-3)
    t.add_argument('--half-life', type=int, default=6000, help='steps for the learning rate to halve')
    t.add_argument('--steps', type=int, default=0, help='stop after this step (0: run until stopped)')
    t.add_argument('--init', default='', help='start a new CHECKPOINT from the weights of this one (fine-tuning)')
    t.add_argument('--threads', type=int, default=1)
    t.add_argument('--workers', type=int, default=1, help='renderer processes')
    t.add_argument('--log-every', type=int, default=20)
    t.add_argument('--save-every', type=int, default=100)
    t.add_argument('--eval-every', type=int, default=500)
    t.add_argument('--real', default='', help='a folder with manifest.csv to measure on (never trained on)')
    t.add_argument('--kind-weight', nargs='*', default=[], metavar='KIND=W',
                   help='a kind\'s share of the stream before normalising (render.KIND_WEIGHTS: blue 0.40, '
                        'double 0.16, gua 0.06 ...); the stream is then another one, resumable with the same weights')
    t.add_argument('--province-weight', type=float, default=0.0,
                   help='weight of an extra cross-entropy on the province in the first time steps (0: CTC only)')
    t.add_argument('--top-letter-weight', type=float, default=0.0,
                   help='double-row lines: weight of a loss keeping letters out of time steps 1-3 plus a '
                        'cross-entropy on the top-row letter in steps 4-9 (0: CTC only)')
    t.add_argument('--keep-single-row', default='', metavar='CKPT',
                   help='single-row lines: a KL divergence from this model\'s per-step distribution, weighted --keep-weight')
    t.add_argument('--keep-weight', type=float, default=1.0)
    e = sub.add_parser('eval')
    e.add_argument('--checkpoint', required=True)
    e.add_argument('--per-kind', type=int, default=100)
    e.add_argument('--real', nargs='*', default=[])
    e.add_argument('--threads', type=int, default=2)
    e.add_argument('--heldout', nargs='*', default=[], help='frozen held-out sets (train.py heldout) to measure too')
    o = sub.add_parser('from-onnx', help='a checkpoint (for --init) rebuilt from an exported ONNX')
    o.add_argument('--onnx', required=True)
    o.add_argument('--out', required=True)
    o.add_argument('--calib', type=int, default=2048, help='synthetic renders for the BatchNorm statistics')
    o.add_argument('--threads', type=int, default=2)
    x = sub.add_parser('export')
    x.add_argument('--checkpoint', required=True)
    x.add_argument('--out', required=True)
    m = sub.add_parser('measure', help='the exported ONNX through OpenCV dnn')
    m.add_argument('--onnx', required=True)
    m.add_argument('--per-kind', type=int, default=100)
    m.add_argument('--real', nargs='*', default=[])
    m.add_argument('--heldout', nargs='*', default=[], help='frozen held-out sets (train.py heldout) to measure too')
    h = sub.add_parser('heldout', help='freeze this renderer\'s held-out set into an .npz')
    h.add_argument('--out', required=True)
    h.add_argument('--per-kind', type=int, default=100)
    args = ap.parse_args()
    {'train': cmd_train, 'eval': cmd_eval, 'from-onnx': cmd_from_onnx, 'heldout': cmd_heldout, 'export': cmd_export, 'measure': cmd_measure}[args.cmd](args)


if __name__ == '__main__':
    main()
