#!/usr/bin/python3
"""Synthetic GA 36 plate renderer: the only training data of the plate reader.

Plates are composed from the glyph and background images of the MIT-licensed plate generator
by leijd (Copyright (c) 2020 leijd; its LICENSE-MIT.txt sits beside the images), read at run
time from ../shared/data/plates/generator-glyphs (nothing of it is copied into this
repository), with Debian's fonts (fonts-wqy-microhei, fonts-dejavu-core) drawing a glyph the set
lacks and, now and then, a whole plate for font variety.

Every sample is a pure function of (seed, index): `sample(seed, i)` renders the same crop on
every machine with the same Debian packages, so the training stream, the held-out set and the
test fixtures are reproducible from their seed alone.

The model never sees a whole plate image: it sees `to_line(crop, double_row)`, a 32x96 BGR line
in which a double-row plate's two rows stand side by side. gateway/vision/plate_reader.cpp
repeats to_line exactly (same fractions, same interpolation); change both or neither.

    /usr/bin/python3 tools/plates/render.py --seed 7 --count 40 --out /tmp/plates   # PNGs + manifest.csv
"""
import argparse
import csv
import os
import sys

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_GLYPHS = os.path.normpath(os.path.join(HERE, '../../../shared/data/plates/generator-glyphs'))

PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼'
LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ'  # no I, O
DIGITS = '0123456789'
SERIAL = DIGITS + LETTERS
SUFFIXES = '学警挂'
# CTC classes: index 0 is the blank. The order is part of the shipped model (models/README.md).
ALPHABET = PROVINCES + DIGITS + LETTERS + SUFFIXES
assert len(ALPHABET) == 68 and len(set(ALPHABET)) == 68

LINE_H, LINE_W = 32, 96          # model input, pixels
DOUBLE_SPLIT = 0.36              # double-row plate: the top row ends at this fraction of the height
DOUBLE_TOP_X = (0.2, 0.8)        # ... and its two characters lie within these fractions of the width
DOUBLE_TOP_W = 40                # width of the top row in the line (the rest is the bottom row)

KINDS = ('blue', 'yellow', 'green_small', 'green_large', 'double', 'xue', 'jing', 'gua')
# Share of the training stream per kind: blue dominates the roads (and the real measuring set).
# (train.py --kind-weight replaces some of KIND_SHARES for a fine-tuning stream of its own.)
KIND_SHARES = (0.40, 0.10, 0.12, 0.08, 0.16, 0.06, 0.06, 0.06)
KIND_WEIGHTS = np.array(KIND_SHARES)
KIND_WEIGHTS /= KIND_WEIGHTS.sum()

PX_PER_MM = 0.5  # working resolution of the clean plate

# GA 36-2018 layouts in millimetres: plate size, character boxes (x, y, w, h).
def _row(xs, y, w, h):
    return [(x, y, w, h) for x in xs]

LAYOUT_SINGLE = ((440, 140), _row([15.5, 72.5, 151.5, 208.5, 265.5, 322.5, 379.5], 25, 45, 90))
LAYOUT_GREEN = ((480, 140), _row([15.5, 67.5, 161.5, 213.5, 265.5, 317.5, 369.5, 421.5], 25, 43, 90))
LAYOUT_DOUBLE = ((440, 220), _row([110, 250], 15, 80, 60) + _row([27.5, 107.5, 187.5, 267.5, 347.5], 90, 65, 110))
DOT_SINGLE = (134.9, 70)


class Glyphs:
    """Glyph masks (float 0..1, 1 = ink) and plate backgrounds from the generator's images."""

    def __init__(self, root=DEFAULT_GLYPHS):
        if not os.path.isdir(os.path.join(root, 'font_model')):
            sys.exit(f'render.py: no glyph set at {root} (expected font_model/ and plate_model/)')
        self.glyph = {}
        for name in os.listdir(os.path.join(root, 'font_model')):
            stem = os.path.splitext(name)[0]
            im = cv2.imdecode(np.fromfile(os.path.join(root, 'font_model', name), np.uint8), cv2.IMREAD_GRAYSCALE)
            self.glyph[stem] = 1.0 - im.astype(np.float32) / 255.0
        self.bg = {}
        for name in os.listdir(os.path.join(root, 'plate_model')):
            im = cv2.imread(os.path.join(root, 'plate_model', name), cv2.IMREAD_UNCHANGED)[:, :, :3].copy()
            self.bg[os.path.splitext(name)[0]] = im
        # The police background carries its dot where the army layout wants it: fill it with
        # the plate's white, render.py draws the GA 36 dot itself.
        w = self.bg['white_140']
        cv2.circle(w, (int(0.176 * w.shape[1]), int(0.496 * w.shape[0])), 34, tuple(int(v) for v in w[w.shape[0] // 2, w.shape[1] // 2]), -1)
        self.fonts = {
            'cjk': '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
            'latin': '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
        }
        self._font_cache = {}

    def font_mask(self, ch, w, h):
        """A glyph drawn with a Debian font, stretched to the w x h box."""
        path = self.fonts['latin'] if ch.isascii() else self.fonts['cjk']
        key = (path, ch)
        if key not in self._font_cache:
            font = ImageFont.truetype(path, 96)
            img = Image.new('L', (160, 160), 0)
            ImageDraw.Draw(img).text((20, 10), ch, fill=255, font=font)
            a = np.asarray(img)
            ys, xs = np.nonzero(a > 32)
            a = a[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32) / 255.0
            if ch.isascii():  # plate fonts are bolder than DejaVu at this size
                a = cv2.dilate(a, np.ones((5, 5), np.uint8))
            self._font_cache[key] = a
        return cv2.resize(self._font_cache[key], (w, h), interpolation=cv2.INTER_AREA)

    def mask(self, family, ch, row, w, h, use_font):
        """family: '140', '220' or 'green'; row: 'up', 'down' or '' for the 220 letters."""
        candidates = []
        if family == '220' and ch in LETTERS:
            candidates.append(f'220_{row}_{ch}')
        candidates.append(f'{family}_{ch}')
        candidates.append(f'140_{ch}')
        if not use_font:
            for c in candidates:
                if c in self.glyph:
                    return cv2.resize(self.glyph[c], (w, h), interpolation=cv2.INTER_AREA)
        return self.font_mask(ch, w, h)


def random_text(kind, rng):
    p = PROVINCES[rng.integers(len(PROVINCES))]
    letter = LETTERS[rng.integers(len(LETTERS))]

    def serial(n):
        # Real serials are mostly digits with up to two letters.
        out = [DIGITS[rng.integers(10)] for _ in range(n)]
        for _ in range(rng.integers(0, 3)):
            out[rng.integers(n)] = LETTERS[rng.integers(len(LETTERS))]
        return ''.join(out)

    digits = lambda n: ''.join(DIGITS[rng.integers(10)] for _ in range(n))
    if kind in ('blue', 'yellow'):
        return p + letter + serial(5)
    if kind == 'double':
        return p + letter + (serial(5) if rng.random() < 0.5 else serial(4) + '挂')
    if kind == 'green_small':
        return p + letter + 'DF'[rng.integers(2)] + SERIAL[rng.integers(len(SERIAL))] + digits(4)
    if kind == 'green_large':
        return p + letter + digits(5) + 'DF'[rng.integers(2)]
    return p + letter + serial(4) + {'xue': '学', 'jing': '警', 'gua': '挂'}[kind]


def render_plate(glyphs, kind, text, rng):
    """The clean plate (BGR uint8) at PX_PER_MM."""
    use_font = rng.random() < 0.1
    if kind in ('green_small', 'green_large'):
        (pw, ph), boxes = LAYOUT_GREEN
        bg, family = glyphs.bg['green_car_140' if kind == 'green_small' else 'green_truck_140'], 'green'
        ink = [(0, 0, 0)] * 8
    elif kind == 'double':
        (pw, ph), boxes = LAYOUT_DOUBLE
        bg, family = glyphs.bg['yellow_220'], '220'
        ink = [(0, 0, 0)] * 7
    else:
        (pw, ph), boxes = LAYOUT_SINGLE
        bg = glyphs.bg[{'blue': 'blue_140', 'jing': 'white_140'}.get(kind, 'yellow_140')]
        family = '140'
        ink = [(255, 255, 255) if kind == 'blue' else (0, 0, 0)] * 7
        if kind == 'jing':
            ink[-1] = (0, 0, 210)
    W, H = int(pw * PX_PER_MM), int(ph * PX_PER_MM)
    bg = cv2.resize(bg, (W, H), interpolation=cv2.INTER_AREA)
    if kind == 'blue':
        bg = real_blue(bg, rng)
    img = bg.astype(np.float32)
    if kind == 'jing':
        cv2.circle(img, (int(DOT_SINGLE[0] * PX_PER_MM), int(DOT_SINGLE[1] * PX_PER_MM)), 4, (0, 0, 0), -1)
    # Stroke weight: cameras, stamping and wear make strokes thinner or bolder than the glyph set's.
    stroke = rng.choice([-1, 0, 0, 1])
    # Small per-plate shifts: real plates are riveted and stamped a little off.
    jx, jy = rng.normal(0, 0.8, 2)
    for i, (ch, (x, y, w, h)) in enumerate(zip(text, boxes)):
        row = 'up' if kind == 'double' and i < 2 else 'down'
        x0 = int(round((x + jx + rng.normal(0, 0.5)) * PX_PER_MM))
        y0 = int(round((y + jy + rng.normal(0, 0.5)) * PX_PER_MM))
        gw_, gh = int(round(w * PX_PER_MM)), int(round(h * PX_PER_MM))
        if i == 0:
            m, ox, oy = province_mask(glyphs, family, ch, row, gw_, gh, use_font, rng)
            (gh, gw_), x0, y0 = m.shape, x0 + ox, y0 + oy
        else:
            m = glyphs.mask(family, ch, row, gw_, gh, use_font)
            if stroke < 0:
                m = cv2.erode(m, np.ones((2, 2), np.uint8))
            elif stroke > 0:
                m = cv2.dilate(m, np.ones((2, 2), np.uint8))
        m = m[:, :, None]
        x0, y0 = max(0, min(x0, W - gw_)), max(0, min(y0, H - gh))
        roi = img[y0:y0 + gh, x0:x0 + gw_]
        roi[:] = roi * (1 - m) + np.array(ink[i], np.float32) * m
    return np.clip(img, 0, 255).astype(np.uint8)


def province_mask(glyphs, family, ch, row, w, h, use_font, rng):
    """The province glyph, its weight, shape and place varied apart from the serial's, as
    (mask, x offset, y offset): the offsets, in working pixels, are of the mask's top-left
    corner from the province box's (x, y).

    Round 4: 77 of round 3's 90 ccpd-crops errors were the province (皖 read as 闽, 琼, 陕 ...),
    drawn until then by one generator font with the serial's stroke weight; it got its own
    stroke weight (eroded or dilated by 1-2 px, or not), its own size and aspect and a slight
    horizontal shear of its own.
    Round 5 (tools/plates/province_probe.py): 57 of round 4's 74 errors were still the
    province, yet the round-4 model read the province of rendered 皖 as it read real 皖 (0.917
    against 0.914, falling alike with darkness and roll), and the real province sits where the
    rendered one does (medians within 1 px at 94x24). But it read the real province far worse
    when that was moved 1 px to the right (0.916 -> 0.873) or narrowed 15 % (0.848): it had
    learned the glyph at one place and size. The province is now placed on its own (x offset
    N(0, 3 mm) clipped to +-7 mm, y N(0, 2 mm) clipped to +-4 mm, +-2 mm on a double-row plate;
    the serial's per-character jitter is N(0, 0.5 mm)) and sized over a
    wider range (width x0.80-1.15, height x0.85-1.08, no longer cropped to its box)."""
    sx, sy = rng.uniform(0.80, 1.15), rng.uniform(0.85, 1.08)
    gw_, gh = max(4, int(round(w * sx))), max(4, int(round(h * sy)))
    g = glyphs.mask(family, ch, row, gw_, gh, use_font)
    s = rng.choice([-2, -1, 0, 0, 1, 2])
    if s:
        k = np.ones((abs(s) + 1, abs(s) + 1), np.uint8) if abs(s) == 2 else np.ones((2, 2), np.uint8)
        g = cv2.erode(g, k) if s < 0 else cv2.dilate(g, k)
    if rng.random() < 0.3:
        t = np.tan(np.deg2rad(rng.normal(0, 4)))
        g = cv2.warpAffine(g, np.float32([[1, t, -t * gh / 2], [0, 1, 0]]), (gw_, gh))
    dx = np.clip(rng.normal(0, 3.0), -7, 7) * PX_PER_MM
    # (A double-row plate's top row ends 4 mm above the line's split: it keeps within +-2 mm.)
    dy = np.clip(rng.normal(0, 2.0), -4, 4) * (0.5 if family == '220' else 1.0) * PX_PER_MM
    return g, int(round((w - gw_) / 2 + dx)), int(round((h - gh) / 2 + dy))


def real_blue(bg, rng):
    """The generator's blue (HSV 113/255/122, a dark navy) moved towards the blue of real
    crops: tools/plates/crop_stats.py on ccpd-crops gives hue 104-111, saturation 147-188,
    value 142-201 (quartiles), lighter and more cyan."""
    hsv = cv2.cvtColor(bg, cv2.COLOR_BGR2HSV).astype(np.float32)
    hsv[..., 0] += rng.uniform(-10, 1)
    hsv[..., 1] *= rng.uniform(0.7, 1.0)
    hsv[..., 2] *= rng.uniform(1.0, 1.7)
    hsv = np.clip(hsv, 0, [179, 255, 255]).astype(np.uint8)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)


def _scene_texture(rng, h, w):
    base = rng.integers(0, 256, 3).astype(np.float32)
    small = rng.normal(0, 40, (max(2, h // 16), max(2, w // 16), 3)).astype(np.float32)
    tex = base + cv2.resize(small, (w, h))
    if rng.random() < 0.7:
        # What surrounds a real plate is mostly a car's body, bumper and grille: greys and dark
        # colours with horizontal edges (tilted ccpd-crops show it in their corners), not the
        # saturated blotches above.
        gray = tex.mean(2, keepdims=True)
        tex = gray + (tex - gray) * rng.uniform(0.0, 0.5)
        tex = tex * rng.uniform(0.3, 1.0)
        for _ in range(rng.integers(0, 5)):
            y = int(rng.integers(h))
            t = int(rng.integers(1, max(2, h // 8)))
            tex[y:y + t] = tex[y:y + t] * rng.uniform(0.3, 0.7) + rng.uniform(0, 140)
    return np.clip(tex, 0, 255)


def degrade(plate, double_row, rng, crop_kind=None):
    """A plate as a camera crop: placed in a scene, seen in perspective, cut out either by an
    imprecise locator and rectified (what the gateway's locator gives) or as the upright
    bounding box of its corners squeezed to 94x24 (what CCPD's crops and many detectors give),
    then lit, soiled, blurred, shrunk, noised and JPEG'd.

    The ranges follow tools/plates/crop_stats.py on the real ccpd-crops (measured, never
    trained on): a quarter of them show the plate rolled 4-8 degrees, with its ends slanted by
    the camera's side view, the plate filling 54-81 % of the crop at the 5th-25th percentile."""
    h, w = plate.shape[:2]
    pad = int(0.35 * h)
    canvas = _scene_texture(rng, h + 2 * pad, w + 2 * pad)
    canvas[pad:pad + h, pad:pad + w] = plate
    # Dirt and glare sit on the plate itself, before the geometry.
    if rng.random() < 0.3:
        for _ in range(rng.integers(1, 6)):
            c = (int(pad + rng.integers(w)), int(pad + rng.integers(h)))
            ax = (int(rng.integers(3, w // 6)), int(rng.integers(2, h // 4)))
            blot = np.zeros(canvas.shape[:2], np.float32)
            cv2.ellipse(blot, c, ax, float(rng.integers(180)), 0, 360, 1.0, -1)
            blot = cv2.GaussianBlur(blot, (0, 0), 3) * rng.uniform(0.2, 0.7)
            canvas = canvas * (1 - blot[:, :, None]) + np.array([40, 55, 70], np.float32) * blot[:, :, None]
    if rng.random() < 0.2:
        glare = np.zeros(canvas.shape[:2], np.float32)
        c = (int(pad + rng.integers(w)), int(pad + rng.integers(h)))
        cv2.ellipse(glare, c, (int(rng.integers(w // 8, w // 2)), int(rng.integers(h // 6, h // 2))), float(rng.integers(180)), 0, 360, 1.0, -1)
        glare = cv2.GaussianBlur(glare, (0, 0), 8) * rng.uniform(0.3, 0.9)
        canvas = canvas * (1 - glare[:, :, None]) + 255 * glare[:, :, None]
    # Where the plate's corners land in the camera (perspective + roll), then where the
    # locator thinks they are (jitter): the crop is the rectification of the latter.
    src = np.float32([[pad, pad], [pad + w, pad], [pad + w, pad + h], [pad, pad + h]])
    bbox_crop = rng.random() < 0.55
    if crop_kind is not None:  # 'bbox' or 'rectified' only (crop_stats.py --crop); the stream is unchanged
        bbox_crop = crop_kind == 'bbox'
    tilted = rng.random() < 0.45
    # Tilt as ccpd-crops show it (round 3, tools/plates/crop_stats.py): the province errors sat
    # in the tilted crops (median |roll| 4.9 degrees at 94x24 against 0 for the crops read
    # right), and there the character strokes lean WITH the edges' roll (slope +0.50 of stroke
    # lean on roll) where a rotation leans them against it (-1.2): a camera beside and above
    # the lane sees the plate as a parallelogram, its edges sheared vertically (y += k x) and
    # its verticals sheared along (x += k y, the characters shear with the plate's slope).
    # Round 3 drew 90 % of the tilted plates so and measured +0.07 in all: its bounding-box
    # parallelograms alone give +0.70, the rest of the roll came from rotations without that
    # lean (the other 10 % of tilted plates, rotated N(0, 7) and sheared at random, and every
    # untilted plate's roll N(0, 1.5)). Round 4: every plate is a parallelogram, the untilted
    # ones a slight one (k ~ N(0, 0.03)), with only a small rotation of its own.
    if tilted:
        vshear = rng.normal(0, 0.2)
        roll = np.deg2rad(rng.normal(0, 2))
        shear = vshear + np.tan(np.deg2rad(rng.normal(0, 4)))
    else:
        vshear = rng.normal(0, 0.03)
        roll = np.deg2rad(rng.normal(0, 0.75))
        shear = vshear + np.tan(np.deg2rad(rng.normal(0, 3)))
    yaw = rng.normal(0, 0.12)
    cx, cy = pad + w / 2, pad + h / 2
    R = np.array([[np.cos(roll), -np.sin(roll)], [np.sin(roll), np.cos(roll)]])
    cam = []
    for (x, y) in src:
        dx, dy = x - cx, y - cy
        dy *= 1 + yaw * dx / w  # one side nearer than the other
        dx += shear * dy
        dy += vshear * dx
        cam.append(R @ [dx, dy] + [cx, cy])
    cam = np.float32(cam)
    M = cv2.getPerspectiveTransform(src, cam)
    # The plate may lean out of the padded canvas: grow the canvas so the scene goes on.
    grow = int(max(0, -cam.min(), (cam[:, 0] - canvas.shape[1]).max(), (cam[:, 1] - canvas.shape[0]).max())) + 2
    if grow:
        canvas = cv2.copyMakeBorder(canvas, grow, grow, grow, grow, cv2.BORDER_REFLECT)
        shift = np.array([[1, 0, grow], [0, 1, grow], [0, 0, 1]], np.float64)
        M = shift @ M @ np.linalg.inv(shift)
        cam = cam + grow
    canvas = cv2.warpPerspective(canvas, M, (canvas.shape[1], canvas.shape[0]), borderMode=cv2.BORDER_REFLECT)
    if bbox_crop:
        # The corners' upright bounding box, each side a little in or out, at the camera's
        # resolution (a plate 70-220 pixels wide), JPEG'd as a photo, squeezed to 94x24.
        x0, y0 = cam.min(0)
        x1, y1 = cam.max(0)
        bw, bh = x1 - x0, y1 - y0
        x0 += rng.normal(0.005, 0.015) * bw
        x1 += rng.normal(-0.005, 0.015) * bw
        y0 += rng.normal(0.0, 0.04) * bh
        y1 += rng.normal(0.0, 0.04) * bh
        x0, y0 = max(0, int(round(x0))), max(0, int(round(y0)))
        x1, y1 = min(canvas.shape[1], int(round(x1))), min(canvas.shape[0], int(round(y1)))
        crop = canvas[y0:y1, x0:x1]
        cam_w = int(rng.uniform(70, 220))
        cam_h = max(6, int(cam_w * crop.shape[0] / crop.shape[1]))
        crop = cv2.resize(crop, (cam_w, cam_h), interpolation=cv2.INTER_AREA)
        out_w, out_h = (94, 24) if rng.random() < 0.7 else (cam_w, cam_h)
    else:
        jitter = rng.normal(0, 0.022, (4, 2)) * [w, h]
        jitter += rng.normal(0, 0.012, (1, 2)) * [w, h]  # a shift of the whole box
        located = np.float32(cam + jitter)
        out_w = int(rng.uniform(80, 260))
        out_h = int(out_w * h / w * rng.uniform(0.85, 1.15))
        dst = np.float32([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]])
        crop = cv2.warpPerspective(canvas, cv2.getPerspectiveTransform(located, dst), (out_w, out_h), flags=cv2.INTER_LINEAR)

    crop = crop.astype(np.float32)
    # Light: white balance, exposure, contrast; low light; night IR (grey, bright plate).
    mode = rng.random()
    if mode < 0.08:
        g = cv2.cvtColor(np.clip(crop, 0, 255).astype(np.uint8), cv2.COLOR_BGR2GRAY).astype(np.float32)
        if rng.random() < 0.5:  # retro-reflective plate under IR: background lights up, ink stays dark
            g = 255 - np.clip((255 - g) * 1.3, 0, 255) if plate.mean() < 128 else g
        g = np.clip((g - g.mean()) * rng.uniform(0.8, 1.6) + rng.uniform(100, 170), 0, 255)
        crop = np.repeat(g[:, :, None], 3, axis=2)
    else:
        crop = crop * rng.uniform(0.8, 1.2, 3)  # white balance
        # Real crops: gray mean 84-132, std 39-55 (quartiles): a little brighter and flatter.
        crop = (crop - 128) * rng.uniform(0.65, 1.2) + 128 + rng.normal(-5, 18)
        if mode < 0.2:  # low light
            crop = crop * rng.uniform(0.2, 0.5)
    # Blur (focus or motion), then the sensor's resolution, then noise and JPEG. Real crops are
    # sharper than round 1's renders (Laplacian variance at 94x24: median 5,244 against 2,764).
    if rng.random() < 0.25:
        crop = cv2.GaussianBlur(crop, (0, 0), rng.uniform(0.3, 1.0))
    if rng.random() < 0.12:
        k = int(rng.integers(3, 7))
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1.0 / k
        kernel = cv2.warpAffine(kernel, cv2.getRotationMatrix2D((k / 2, k / 2), float(rng.integers(180)), 1.0), (k, k))
        crop = cv2.filter2D(crop, -1, kernel / max(kernel.sum(), 1e-6))
    if not bbox_crop and rng.random() < 0.5:
        s = rng.uniform(0.35, 0.85)
        small = cv2.resize(crop, (max(8, int(out_w * s)), max(4, int(out_h * s))), interpolation=cv2.INTER_AREA)
        crop = cv2.resize(small, (out_w, out_h), interpolation=cv2.INTER_LINEAR)
    crop = crop + rng.normal(0, rng.uniform(0, 10), crop.shape)
    crop = np.clip(crop, 0, 255).astype(np.uint8)
    if rng.random() < 0.7:
        ok, buf = cv2.imencode('.jpg', crop, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(30, 95))])
        crop = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    if (crop.shape[1], crop.shape[0]) != (out_w, out_h):
        crop = cv2.resize(crop, (out_w, out_h), interpolation=cv2.INTER_LINEAR)
    return crop


def to_line(crop, double_row):
    """The model's input: a LINE_H x LINE_W BGR image. A double-row plate's top row (its
    middle DOUBLE_TOP_X part, where the two characters are) is set left of its bottom row."""
    if not double_row:
        return cv2.resize(crop, (LINE_W, LINE_H), interpolation=cv2.INTER_AREA)
    h, w = crop.shape[:2]
    split = max(1, int(round(h * DOUBLE_SPLIT)))
    x0, x1 = int(round(w * DOUBLE_TOP_X[0])), int(round(w * DOUBLE_TOP_X[1]))
    top = cv2.resize(crop[:split, x0:x1], (DOUBLE_TOP_W, LINE_H), interpolation=cv2.INTER_AREA)
    bottom = cv2.resize(crop[split:], (LINE_W - DOUBLE_TOP_W, LINE_H), interpolation=cv2.INTER_AREA)
    return np.hstack([top, bottom])


def sample(glyphs, seed, index, kind=None, crop_kind=None, kind_weights=None):
    """(crop BGR, text, kind, double_row) for sample `index` of the stream `seed`; crop_kind
    'bbox' or 'rectified' forces the way the crop is cut (for measuring: the ccpd-crops are
    all bounding boxes) and leaves every other draw as it was; kind_weights (normalised, in
    KINDS order) replaces KIND_WEIGHTS when the kind is drawn (train.py --kind-weight)."""
    rng = np.random.default_rng([seed, index])
    if kind is None:
        kind = KINDS[rng.choice(len(KINDS), p=KIND_WEIGHTS if kind_weights is None else kind_weights)]
    text = random_text(kind, rng)
    double_row = kind == 'double' or (kind == 'gua' and rng.random() < 0.5)
    render_kind = 'double' if double_row else kind
    plate = render_plate(glyphs, render_kind, text, rng)
    return degrade(plate, double_row, rng, crop_kind), text, kind, double_row


def main():
    ap = argparse.ArgumentParser(description='Render synthetic GA 36 plate crops with a manifest.csv.')
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--count', type=int, required=True, help='crops per kind with --per-kind, else in all')
    ap.add_argument('--out', required=True)
    ap.add_argument('--per-kind', action='store_true', help='the same number of crops of every kind')
    ap.add_argument('--line', action='store_true', help='write the model input line instead of the crop')
    ap.add_argument('--glyphs', default=DEFAULT_GLYPHS)
    args = ap.parse_args()
    glyphs = Glyphs(args.glyphs)
    os.makedirs(args.out, exist_ok=True)
    jobs = [(k, i) for k in KINDS for i in range(args.count)] if args.per_kind else [(None, i) for i in range(args.count)]
    with open(os.path.join(args.out, 'manifest.csv'), 'w', newline='') as f:
        out = csv.writer(f, lineterminator='\n')
        out.writerow(['file', 'plate', 'kind', 'rows'])
        for n, (kind, i) in enumerate(jobs):
            crop, text, kind, double_row = sample(glyphs, args.seed, n, kind)
            img = to_line(crop, double_row) if args.line else crop
            name = f'{n:04d}.png'
            cv2.imwrite(os.path.join(args.out, name), img)
            out.writerow([name, text, kind, 2 if double_row else 1])


if __name__ == '__main__':
    main()
