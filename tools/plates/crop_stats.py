#!/usr/bin/python3
"""Numbers that describe a folder of plate crops, to set render.py's ranges from real crops
without training on them: size, the plate's blue (HSV), brightness, contrast, sharpness, and
the geometry of the plate inside the crop (the blue region's roll, the slant of its ends, how
much of the crop it fills).

    /usr/bin/python3 tools/plates/crop_stats.py ../shared/data/plates/ccpd-crops
    /usr/bin/python3 tools/plates/crop_stats.py --synthetic blue --count 400
    /usr/bin/python3 tools/plates/crop_stats.py --synthetic blue --count 800 --crop bbox   # cut as ccpd-crops are
"""
import argparse
import csv
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render  # noqa: E402

SIZE = (94, 24)  # every crop is measured at CCPD's crop size


def plate_geometry(img):
    """(roll degrees, end slant degrees, fill fraction) of the largest blue region, or None."""
    hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
    mask = cv2.inRange(hsv, (95, 70, 40), (130, 255, 255))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 9), np.uint8))
    n, labels, st, _ = cv2.connectedComponentsWithStats(mask)
    if n < 2:
        return None
    k = 1 + int(np.argmax(st[1:, cv2.CC_STAT_AREA]))
    ys, xs = np.nonzero(labels == k)
    if len(xs) < 50:
        return None
    # Roll: the slope of the region's top and bottom edges (column-wise extremes, fitted).
    cols = {}
    for x, y in zip(xs, ys):
        lo, hi = cols.get(x, (y, y))
        cols[x] = (min(lo, y), max(hi, y))
    cx = np.array(sorted(cols))
    inner = cx[(cx > cx.min() + 8) & (cx < cx.max() - 8)]
    if len(inner) < 10:
        return None
    # An edge that runs along the crop's border says nothing about the slope: fit the others.
    h = img.shape[0]
    slopes = []
    for side, keep in ((0, lambda v: v > 0), (1, lambda v: v < h - 1)):
        xs_ = [x for x in inner if keep(cols[x][side])]
        if len(xs_) >= 10:
            slopes.append(np.polyfit(xs_, [cols[x][side] for x in xs_], 1)[0])
    roll = np.degrees(np.arctan(np.mean(slopes))) if slopes else 0.0
    # End slant: the left edge's x against y (0 for a rectangle, a parallelogram's shear otherwise).
    rows = {}
    for x, y in zip(xs, ys):
        rows[y] = min(rows.get(y, x), x)
    ry = np.array(sorted(rows))
    ry = ry[(ry > ry.min() + 3) & (ry < ry.max() - 3)]
    slant = np.degrees(np.arctan(np.polyfit(ry, [rows[y] for y in ry], 1)[0])) if len(ry) > 5 else 0.0
    return roll, slant, len(xs) / mask.size


def stroke_lean(img):
    """Degrees the near-vertical strokes of the serial (columns 20-90, rows 4-20 at 94x24) lean
    from upright, from the image gradient, or nan. Beside the roll it tells how a tilted plate
    was tilted: a rotation leans the strokes against the roll (about -1.2 degrees of lean per
    degree of roll at 94x24), a vertical shear (y += k x, a camera beside and above the lane)
    leaves them upright (0), a horizontal shear as well leans them with the roll."""
    g = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0)[4:20, 20:90]
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1)[4:20, 20:90]
    mag = np.hypot(gx, gy)
    sel = (np.abs(gx) > 2 * np.abs(gy)) & (mag > np.percentile(mag, 70))
    if sel.sum() < 20:
        return np.nan
    return np.degrees(np.arctan(np.sum(-gy[sel] / gx[sel] * mag[sel]) / np.sum(mag[sel])))


def describe(images):
    rows = []
    for img in images:
        img = cv2.resize(img, SIZE, interpolation=cv2.INTER_AREA)
        hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
        blue = cv2.inRange(hsv, (95, 70, 40), (130, 255, 255)) > 0
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)
        geo = plate_geometry(img)
        rows.append([
            hsv[..., 0][blue].mean() if blue.any() else np.nan,
            hsv[..., 1][blue].mean() if blue.any() else np.nan,
            hsv[..., 2][blue].mean() if blue.any() else np.nan,
            gray.mean(), gray.std(),
            cv2.Laplacian(gray, cv2.CV_32F).var(),
            *(geo if geo else (np.nan, np.nan, np.nan)),
            stroke_lean(img),
        ])
    a = np.array(rows, np.float64)
    names = ['blue hue', 'blue saturation', 'blue value', 'gray mean', 'gray std (contrast)',
             'laplacian var (sharpness)', 'roll deg', 'end slant deg', 'blue fill', 'stroke lean deg']
    print(f'{len(a)} crops at {SIZE[0]}x{SIZE[1]}; percentiles 5 / 25 / 50 / 75 / 95')
    for i, n in enumerate(names):
        col = a[:, i][~np.isnan(a[:, i])]
        if n in ('roll deg', 'end slant deg', 'stroke lean deg'):
            col = np.abs(col)
            n = '|' + n + '|'
        p = np.percentile(col, [5, 25, 50, 75, 95]) if len(col) else [np.nan] * 5
        print(f'  {n:28s} ' + ' '.join(f'{v:8.2f}' for v in p) + f'   (n={len(col)})')
    # How the tilted crops are tilted: the slope of stroke lean on roll where |roll| > 3 degrees.
    t = a[(np.abs(a[:, 6]) > 3) & ~np.isnan(a[:, 9])]
    if len(t) > 5:
        print(f'  tilted (|roll| > 3): {len(t)} crops, stroke lean on roll: slope {np.polyfit(t[:, 6], t[:, 9], 1)[0]:.2f}, '
              f'correlation {np.corrcoef(t[:, 6], t[:, 9])[0, 1]:.2f}')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('folder', nargs='?', help='a folder with manifest.csv (file,plate)')
    ap.add_argument('--synthetic', help='a render.py kind instead of a folder')
    ap.add_argument('--count', type=int, default=400)
    ap.add_argument('--crop', choices=('bbox', 'rectified'), help='with --synthetic: only crops cut so (ccpd-crops are all bounding boxes)')
    ap.add_argument('--seed', type=int, default=99)
    args = ap.parse_args()
    if args.synthetic:
        glyphs = render.Glyphs()
        images = [render.sample(glyphs, args.seed, i, args.synthetic, args.crop)[0] for i in range(args.count)]
    else:
        with open(os.path.join(args.folder, 'manifest.csv'), newline='') as f:
            images = [cv2.imdecode(np.fromfile(os.path.join(args.folder, r['file']), np.uint8), cv2.IMREAD_COLOR)
                      for r in csv.DictReader(f)]
    describe(images)


if __name__ == '__main__':
    main()
