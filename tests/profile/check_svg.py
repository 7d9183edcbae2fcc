#!/usr/bin/env python3
"""Checks the structure of a flame graph written by `fpvm profile --svg`.

  check_svg.py FILE.svg [--expect-frames N] [--expect-total STEPS] [--folded FILE]

Parses FILE as XML and checks: an <svg> root with width, height and viewBox; every frame a
<g class="f"> with a <title> first ("NAME (STEPS steps, P%)", STEPS equal to its data-w), one
<rect> and one <text>; rect widths proportional to steps (one scale for all frames); every frame
above the root lies inside a frame one level below it; labels are the name or a prefix ending in
"..". With --folded, the root's steps equal the folded file's sum and every frame name appears in
it. Prints "ok: N frames" and exits 0, or names the first problem and exits 1.
"""
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
TITLE = re.compile(r"^(.*) \(([0-9,]+) steps, ([0-9.]+)%\)$", re.S)


def fail(msg):
    print("check_svg: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    args = sys.argv[1:]
    if not args:
        fail("usage: check_svg.py FILE.svg [--expect-frames N] [--expect-total STEPS] [--folded FILE]")
    path, opts = args[0], dict(zip(args[1::2], args[2::2]))
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as e:
        fail(f"{path} is not well-formed XML: {e}")
    if root.tag != NS + "svg":
        fail(f"root element is {root.tag}, not svg")
    for a in ("width", "height", "viewBox"):
        if a not in root.attrib:
            fail(f"<svg> has no {a}")
    frames_g = [g for g in root.iter(NS + "g") if g.get("id") == "frames"]
    if len(frames_g) != 1:
        fail("expected one <g id=\"frames\">")
    frames = []
    for g in frames_g[0]:
        if g.tag != NS + "g" or g.get("class") != "f":
            fail(f"unexpected element {g.tag} in the frames group")
        kids = list(g)
        if [k.tag for k in kids] != [NS + "title", NS + "rect", NS + "text"]:
            fail(f"frame children are {[k.tag for k in kids]}, expected title, rect, text")
        m = TITLE.match(kids[0].text or "")
        if not m:
            fail(f"title {kids[0].text!r} is not 'NAME (STEPS steps, P%)'")
        name, steps = m.group(1), int(m.group(2).replace(",", ""))
        if steps != int(g.get("data-w")):
            fail(f"frame {name!r}: title says {steps} steps, data-w {g.get('data-w')}")
        r = kids[1]
        frames.append(dict(name=name, steps=steps, x=float(r.get("x")), w=float(r.get("width")),
                           y=float(r.get("y")), d=int(g.get("data-d")), label=kids[2].text or "", pct=float(m.group(3))))
    if not frames:
        fail("no frames")
    base = [f for f in frames if f["d"] == 0]
    if len(base) != 1 or base[0]["name"] != "all":
        fail("expected exactly one root frame named all")
    total = base[0]["steps"]
    scale = base[0]["w"] / total
    for f in frames:
        if abs(f["w"] - f["steps"] * scale) > 0.011:
            fail(f"frame {f['name']!r}: width {f['w']} is not proportional to {f['steps']} steps ({f['steps'] * scale:.3f})")
        if abs(f["pct"] - 100.0 * f["steps"] / total) > 0.006:
            fail(f"frame {f['name']!r}: {f['pct']}% is not {f['steps']} of {total}")
        lab = f["label"]
        if lab and lab != f["name"] and not (lab.endswith("..") and f["name"].startswith(lab[:-2])):
            fail(f"frame {f['name']!r}: label {lab!r} is neither the name nor a clipped prefix")
        if f["d"] > 0:
            parents = [p for p in frames if p["d"] == f["d"] - 1 and p["x"] - 0.011 <= f["x"]
                       and f["x"] + f["w"] <= p["x"] + p["w"] + 0.011 and p["y"] > f["y"]]
            if not parents:
                fail(f"frame {f['name']!r} at depth {f['d']} lies inside no frame below it")
    if "--expect-frames" in opts and len(frames) != int(opts["--expect-frames"]):
        fail(f"{len(frames)} frames, expected {opts['--expect-frames']}")
    if "--expect-total" in opts and total != int(opts["--expect-total"]):
        fail(f"root has {total} steps, expected {opts['--expect-total']}")
    if "--folded" in opts:
        lines = open(opts["--folded"], encoding="utf-8").read().splitlines()
        folded_total = sum(int(l.rsplit(" ", 1)[1]) for l in lines)
        if folded_total != total:
            fail(f"root has {total} steps, the folded stacks {folded_total}")
        names = {n for l in lines for n in l.rsplit(" ", 1)[0].split(";")}
        for f in frames:
            if f["d"] > 0 and f["name"].replace(";", ":") not in names:
                fail(f"frame {f['name']!r} is in no folded stack")
    print(f"ok: {len(frames)} frames")


main()
