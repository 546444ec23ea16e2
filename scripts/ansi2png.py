#!/usr/bin/env python3
"""ansi2png.py CAPTURE.txt OUT.png [COLS ROWS]: render a colored terminal
capture (tmux capture-pane -e -p) to a PNG with ImageMagick, cell by cell,
in DejaVu Sans Mono on a dark background.  Used by scripts/screenshots.sh."""
import re
import subprocess
import sys

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
CW, CH, PT = 10, 20, 16          # cell width, height, font size (px)
FG, BG = "#d8d8d8", "#1c1f24"
BASE = ["#2e3436", "#ef5350", "#8bc34a", "#fbc02d", "#5c9ded", "#c678dd", "#26c6da", "#d3d7cf",
        "#555753", "#ff6e6e", "#b5e36b", "#ffe066", "#8fbfff", "#e0a0f0", "#6ee6f0", "#eeeeec"]


def xterm256(n):
    if n < 16:
        return BASE[n]
    if n < 232:
        n -= 16
        v = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (v[n // 36], v[(n // 6) % 6], v[n % 6])
    g = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (g, g, g)


def parse(text, cols, rows):
    grid = [[(" ", None, None, False, False, False) for _ in range(cols)] for _ in range(rows)]
    for y, line in enumerate(text.split("\n")[:rows]):
        fg = bg = None
        bold = dim = rev = under = False
        x = 0
        for tok in re.split(r"(\x1b\[[0-9;]*m)", line):
            m = re.fullmatch(r"\x1b\[([0-9;]*)m", tok)
            if m:
                codes = [int(c) if c else 0 for c in m.group(1).split(";")] if m.group(1) else [0]
                i = 0
                while i < len(codes):
                    c = codes[i]
                    if c == 0:
                        fg = bg = None
                        bold = dim = rev = under = False
                    elif c == 1:
                        bold = True
                    elif c == 2:
                        dim = True
                    elif c == 4:
                        under = True
                    elif c == 7:
                        rev = True
                    elif c == 22:
                        bold = dim = False
                    elif c == 24:
                        under = False
                    elif c == 27:
                        rev = False
                    elif 30 <= c <= 37:
                        fg = BASE[c - 30]
                    elif c == 39:
                        fg = None
                    elif 40 <= c <= 47:
                        bg = BASE[c - 40]
                    elif c == 49:
                        bg = None
                    elif 90 <= c <= 97:
                        fg = BASE[c - 90 + 8]
                    elif 100 <= c <= 107:
                        bg = BASE[c - 100 + 8]
                    elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                        col = xterm256(codes[i + 2])
                        if c == 38:
                            fg = col
                        else:
                            bg = col
                        i += 2
                    elif c in (38, 48) and i + 4 < len(codes) and codes[i + 1] == 2:
                        col = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                        if c == 38:
                            fg = col
                        else:
                            bg = col
                        i += 4
                    i += 1
                continue
            for ch in tok:
                if x >= cols:
                    break
                f, b = fg or FG, bg or BG
                if dim and not fg:
                    f = "#8a8f98"
                if rev:
                    f, b = (bg or BG) if bg else BG, fg or FG
                grid[y][x] = (ch, f, b, bold, under, rev)
                x += 1
    return grid


def esc(s):
    return s.replace("\\", "\\\\").replace("'", "\\'")


def main():
    src, out = sys.argv[1], sys.argv[2]
    cols = int(sys.argv[3]) if len(sys.argv) > 3 else 80
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 24
    grid = parse(open(src, encoding="utf-8").read(), cols, rows)
    pad = 12
    W, H = cols * CW + 2 * pad, rows * CH + 2 * pad
    mvg = ["viewbox 0 0 %d %d" % (W, H), "fill '%s'" % BG, "rectangle 0,0 %d,%d" % (W, H),
           "font-size %d" % PT, "text-antialias 1"]
    for y, row in enumerate(grid):
        for x, (ch, f, b, bold, under, rev) in enumerate(row):
            px, py = pad + x * CW, pad + y * CH
            if b and b != BG:
                mvg.append("fill '%s'" % b)
                mvg.append("rectangle %d,%d %d,%d" % (px, py, px + CW - 1, py + CH - 1))
            if ch in "█":
                mvg.append("fill '%s'" % f)
                mvg.append("rectangle %d,%d %d,%d" % (px, py + 2, px + CW - 1, py + CH - 3))
                continue
            if 0x2800 <= ord(ch) <= 0x28FF:  # braille: draw the dots (fonts lack them)
                bits = ord(ch) - 0x2800
                mvg.append("fill '%s'" % f)
                for k, (dx, dy) in enumerate([(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2),
                                              (0, 3), (1, 3)]):
                    if bits & (1 << k):
                        cx = px + 2.5 + dx * 5
                        cy = py + 3 + dy * 4.6
                        mvg.append("circle %.1f,%.1f %.1f,%.1f" % (cx, cy, cx + 1.3, cy))
                continue
            partial = "▏▎▍▌▋▊▉"
            if ch in partial:
                w = (partial.index(ch) + 1) * CW // 8
                mvg.append("fill '%s'" % f)
                mvg.append("rectangle %d,%d %d,%d" % (px, py + 2, px + max(w, 1) - 1, py + CH - 3))
                continue
            if under:
                mvg.append("fill '%s'" % f)
                mvg.append("rectangle %d,%d %d,%d" % (px, py + CH - 3, px + CW - 1, py + CH - 2))
            if ch != " ":
                mvg.append("font '%s'" % (FONT_BOLD if bold else FONT))
                mvg.append("fill '%s'" % f)
                mvg.append("text %d,%d '%s'" % (px, py + CH - 5, esc(ch)))
    mvg_path = out + ".mvg"
    with open(mvg_path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(mvg) + "\n")
    conv = "magick" if subprocess.run(["which", "magick"], capture_output=True).returncode == 0 \
        else "convert"
    subprocess.run([conv, "-size", "%dx%d" % (W, H), "mvg:" + mvg_path, out], check=True)
    import os
    os.remove(mvg_path)


if __name__ == "__main__":
    main()
