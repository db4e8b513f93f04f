#!/usr/bin/env python3
"""Render the sample course from Markdown into PPTX, DOCX and PDF.

Usage (normally through render.sh, which prepares the environment):

    python render.py [--only pptx,docx,pdf] [--font PATH]

Input:  markdown/*.md  (one file per chapter)
Output: slides/<chapter>.pptx  one title slide, then one slide per "##" section
                               (title = heading, body = shortened bullets,
                               speaker notes = the full section text)
        docx/<chapter>.docx    Heading 1/2/3 styles for "#"/"##"/"###"
        pdf/<chapter>.pdf      A4, real (extractable) text, each "##" section
                               starts on a new page, page number in the footer

The Markdown subset understood here is the one the course uses: ATX headings,
paragraphs, "-" and "1." lists, fenced code blocks, pipe tables and the inline
marks **bold**, *italic* and `code`.

Outputs are deterministic: fixed document dates and metadata, and the Office
zip containers are rewritten with fixed timestamps, so re-rendering unchanged
Markdown yields byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
MD_DIR = HERE / "markdown"
COURSE_TITLE = "家庭咖啡冲煮科学 · Home Coffee Brewing Science"
AUTHOR = "Quarry project"
FIXED_DATE = dt.datetime(2025, 1, 1, 0, 0, 0)
ZIP_DATE = (2025, 1, 1, 0, 0, 0)
DEFAULT_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
# Font names written into Office files (viewers substitute if absent).
OFFICE_LATIN_FONT = "Calibri"
OFFICE_CJK_FONT = "Microsoft YaHei"
OFFICE_MONO_FONT = "Consolas"


# --------------------------------------------------------------------------
# Markdown model and parser
# --------------------------------------------------------------------------

@dataclass
class Block:
    kind: str  # heading | para | list | code | table
    text: str = ""
    level: int = 0  # heading level
    ordered: bool = False  # list
    items: list[str] = field(default_factory=list)  # list items
    lang: str = ""  # code
    rows: list[list[str]] = field(default_factory=list)  # table, rows[0] = header


@dataclass
class Section:
    heading: str  # "##" heading text
    blocks: list[Block]


@dataclass
class Chapter:
    stem: str
    title: str  # "#" heading text
    intro: list[Block]
    sections: list[Section]


HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
ULIST_RE = re.compile(r"^\s*[-*+]\s+(.*)$")
OLIST_RE = re.compile(r"^\s*\d+[.)]\s+(.*)$")
FENCE_RE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)\s*$")
TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def split_row(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|"):
        line = line[:-1]
    return [c.strip() for c in line.split("|")]


def join_lines(lines: list[str]) -> str:
    """Join soft-wrapped lines; no space between two CJK characters."""
    out = ""
    for ln in (l.strip() for l in lines):
        if not out:
            out = ln
        elif is_cjk(out[-1]) and ln and is_cjk(ln[0]):
            out += ln
        else:
            out += " " + ln
    return out


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF


def parse_blocks(text: str) -> list[Block]:
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        m = FENCE_RE.match(line)
        if m:
            fence, lang = m.group(1), m.group(2)
            body = []
            i += 1
            while i < len(lines) and not lines[i].startswith(fence[:3]):
                body.append(lines[i])
                i += 1
            i += 1  # closing fence
            blocks.append(Block("code", text="\n".join(body), lang=lang))
            continue
        m = HEADING_RE.match(line)
        if m:
            blocks.append(Block("heading", text=m.group(2), level=len(m.group(1))))
            i += 1
            continue
        if "|" in line and i + 1 < len(lines) and TABLE_SEP_RE.match(lines[i + 1]):
            rows = [split_row(line)]
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(split_row(lines[i]))
                i += 1
            blocks.append(Block("table", rows=rows))
            continue
        if ULIST_RE.match(line) or OLIST_RE.match(line):
            ordered = bool(OLIST_RE.match(line))
            rx = OLIST_RE if ordered else ULIST_RE
            items: list[list[str]] = []
            while i < len(lines) and lines[i].strip():
                m2 = rx.match(lines[i])
                if m2:
                    items.append([m2.group(1)])
                elif items and lines[i].startswith((" ", "\t")):
                    items[-1].append(lines[i])
                else:
                    break
                i += 1
            blocks.append(Block("list", ordered=ordered, items=[join_lines(it) for it in items]))
            continue
        para = []
        while i < len(lines) and lines[i].strip() and not (
            HEADING_RE.match(lines[i]) or FENCE_RE.match(lines[i])
            or ULIST_RE.match(lines[i]) or OLIST_RE.match(lines[i])
        ):
            para.append(lines[i])
            i += 1
        blocks.append(Block("para", text=join_lines(para)))
    return blocks


def parse_chapter(path: Path) -> Chapter:
    blocks = parse_blocks(path.read_text(encoding="utf-8"))
    if not blocks or blocks[0].kind != "heading" or blocks[0].level != 1:
        raise SystemExit(f"{path}: must start with a '# ' chapter heading")
    title = blocks[0].text
    intro: list[Block] = []
    sections: list[Section] = []
    for b in blocks[1:]:
        if b.kind == "heading" and b.level == 1:
            raise SystemExit(f"{path}: only one '# ' heading per chapter file")
        if b.kind == "heading" and b.level == 2:
            sections.append(Section(b.text, []))
        elif sections:
            sections[-1].blocks.append(b)
        else:
            intro.append(b)
    return Chapter(path.stem, title, intro, sections)


# --------------------------------------------------------------------------
# Inline marks
# --------------------------------------------------------------------------

INLINE_RE = re.compile(r"(`[^`]+`|\*\*[^*]+\*\*|\*[^*\s][^*]*\*)")


def inline_runs(text: str) -> list[tuple[str, str]]:
    """Split text into (chunk, mark) with mark in '', 'b', 'i', 'code'."""
    runs = []
    for part in INLINE_RE.split(text):
        if not part:
            continue
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            runs.append((part[1:-1], "code"))
        elif part.startswith("**") and part.endswith("**") and len(part) > 4:
            runs.append((part[2:-2], "b"))
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            runs.append((part[1:-1], "i"))
        else:
            runs.append((part, ""))
    return runs


def plain(text: str) -> str:
    return "".join(t for t, _ in inline_runs(text))


def block_plain_lines(b: Block) -> list[str]:
    """Full plain-text rendering of a block (speaker notes)."""
    if b.kind == "heading":
        return [plain(b.text)]
    if b.kind == "para":
        return [plain(b.text)]
    if b.kind == "list":
        return [(f"{n}. " if b.ordered else "• ") + plain(it) for n, it in enumerate(b.items, 1)]
    if b.kind == "code":
        return b.text.splitlines()
    if b.kind == "table":
        return [" | ".join(plain(c) for c in row) for row in b.rows]
    return []


# --------------------------------------------------------------------------
# Shortening for slide bodies
# --------------------------------------------------------------------------

SENT_END_RE = re.compile(r"(?<=[。！？；!?])|(?<=[.;])\s")


def shorten(text: str, limit: float) -> str:
    """First sentence of text, cut to about `limit` em (a CJK character is
    1 em, a Latin character about 0.55 em) at a clause or word boundary."""
    s = plain(text).strip()
    parts = [p for p in SENT_END_RE.split(s) if p and p.strip()]
    first = parts[0].strip() if parts else s
    if text_em(first) <= limit:
        return first
    width, n = 0.0, 0
    for n, c in enumerate(first):
        width += text_em(c)
        if width > limit - 1:
            break
    cut = first[:n]
    for sep in ("，", "；", "、", ", ", "："):
        pos = cut.rfind(sep)
        if pos >= len(cut) // 2:
            return cut[:pos] + "…"
    pos = cut.rfind(" ")
    if pos >= len(cut) // 2 and not is_cjk(cut[-1]):
        return cut[:pos] + "…"
    return cut + "…"


def slide_bullets(section: Section, max_items: int = 12) -> list[tuple[int, str, bool]]:
    """(level, text, bold) bullets summarising a section."""
    out: list[tuple[int, str, bool]] = []
    base = 0
    for b in section.blocks:
        if b.kind == "heading":
            out.append((0, plain(b.text), True))
            base = 1
        elif b.kind == "para":
            out.append((base, shorten(b.text, 56), False))
        elif b.kind == "list":
            for n, it in enumerate(b.items, 1):
                prefix = f"{n}. " if b.ordered else ""
                out.append((min(base + 1, 2), prefix + shorten(it, 48), False))
        elif b.kind == "table":
            header = [plain(c) for c in b.rows[0] if plain(c)]
            out.append((base, "表 / Table: " + " · ".join(header), False))
        # code blocks are left to the notes
    if len(out) > max_items:
        out = out[: max_items - 1] + [(0, "…（完整内容见备注 / see notes）", False)]
    return out


# --------------------------------------------------------------------------
# Zip normalisation (deterministic Office files)
# --------------------------------------------------------------------------

def normalise_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename), compresslevel=9)
    return buf.getvalue()


def write_if_changed(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes() == data:
        return "unchanged"
    path.write_bytes(data)
    return "written"


# --------------------------------------------------------------------------
# PPTX
# --------------------------------------------------------------------------

def render_pptx(ch: Chapter) -> bytes:
    from pptx import Presentation
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    title_layout, content_layout = prs.slide_layouts[0], prs.slide_layouts[1]

    def set_font(run, size=None, bold=None):
        f = run.font
        if size:
            f.size = Pt(size)
        if bold is not None:
            f.bold = bold
        f.name = OFFICE_LATIN_FONT
        rpr = run._r.get_or_add_rPr()
        for tag in ("a:ea",):
            el = rpr.find("{http://schemas.openxmlformats.org/drawingml/2006/main}ea")
            if el is None:
                el = rpr.makeelement("{http://schemas.openxmlformats.org/drawingml/2006/main}ea", {})
                rpr.append(el)
            el.set("typeface", OFFICE_CJK_FONT)

    def notes(slide, lines):
        slide.notes_slide.notes_text_frame.text = "\n".join(lines)

    # Title slide
    s = prs.slides.add_slide(title_layout)
    t = s.shapes.title
    t.left, t.top, t.width, t.height = Inches(0.8), Inches(1.6), Inches(11.7), Inches(2.6)
    t.text = ch.title
    for p in s.shapes.title.text_frame.paragraphs:
        for r in p.runs:
            set_font(r, 36, True)
    sub = s.placeholders[1]
    sub.left, sub.top, sub.width, sub.height = Inches(0.8), Inches(4.5), Inches(11.7), Inches(1.0)
    sub.text = COURSE_TITLE
    for p in sub.text_frame.paragraphs:
        for r in p.runs:
            set_font(r, 20)
    intro_lines = [l for b in ch.intro for l in block_plain_lines(b)]
    notes(s, [ch.title, ""] + intro_lines)

    # Section slides
    body_w_pt = 11.9 * 72
    body_h_pt = 5.3 * 72
    for sec in ch.sections:
        s = prs.slides.add_slide(content_layout)
        title = s.shapes.title
        title.left, title.top, title.width, title.height = Inches(0.7), Inches(0.35), Inches(11.9), Inches(1.1)
        title.text = sec.heading
        for p in title.text_frame.paragraphs:
            for r in p.runs:
                set_font(r, 32, True)
        body = s.placeholders[1]
        body.left, body.top, body.width, body.height = Inches(0.7), Inches(1.6), Inches(11.9), Inches(5.5)
        bullets = slide_bullets(sec)
        size = fit_size(bullets, body_w_pt, body_h_pt)
        tf = body.text_frame
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.NONE  # sizes come from fit_size(), not from the viewer
        for idx, (lvl, text, bold) in enumerate(bullets):
            p = tf.paragraphs[0] if idx == 0 else tf.add_paragraph()
            p.level = lvl
            r = p.add_run()
            r.text = text
            set_font(r, size - 2 * min(lvl, 1), bold)
        lines = [sec.heading, ""]
        for b in sec.blocks:
            lines.extend(block_plain_lines(b))
            lines.append("")
        notes(s, [l for l in lines[:-1]])

    cp = prs.core_properties
    cp.title = ch.title
    cp.subject = COURSE_TITLE
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.revision = 1
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.last_printed = FIXED_DATE
    cp.keywords = "coffee; brewing; Quarry sample course"
    cp.language = "zh-CN"
    buf = io.BytesIO()
    prs.save(buf)
    return normalise_zip(buf.getvalue())


def text_em(text: str) -> float:
    return sum(1.0 if is_cjk(c) or ord(c) > 0x2000 else 0.55 for c in text)


def fit_size(bullets, width_pt: float, height_pt: float) -> int:
    for size in (24, 22, 20, 18, 16, 14, 12):
        h = 0.0
        for lvl, text, _ in bullets:
            s = size - 2 * min(lvl, 1)
            avail = width_pt - 40 - 36 * lvl
            lines = max(1, math.ceil(text_em(text) * s / avail))
            h += lines * s * 1.22 + s * 0.25  # line height + paragraph spacing (template: 20%)
        if h <= height_pt:
            return size
    return 12


# --------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------

def render_docx(ch: Chapter) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    doc = Document()

    def set_east_asian(style_or_run, name=OFFICE_CJK_FONT):
        el = style_or_run.element if hasattr(style_or_run, "element") else style_or_run._element
        rpr = el.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.insert(0, rfonts)
        rfonts.set(qn("w:eastAsia"), name)

    normal = doc.styles["Normal"]
    normal.font.name = OFFICE_LATIN_FONT
    normal.font.size = Pt(11)
    set_east_asian(normal)
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        set_east_asian(doc.styles[name])

    numbering = doc.part.numbering_part.element
    list_number_num_id = doc.styles["List Number"].element.pPr.numPr.numId.val
    abstract_id = None
    for num in numbering.num_lst:
        if num.numId == list_number_num_id:
            abstract_id = num.abstractNumId.val

    def restart_numbering(paragraph):
        """Give an ordered list its own w:num so it starts again at 1."""
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        numpr.get_or_add_ilvl().val = 0
        numpr.get_or_add_numId().val = num.numId
        return num.numId

    def add_runs(par, text):
        for chunk, mark in inline_runs(text):
            r = par.add_run(chunk)
            if mark == "b":
                r.bold = True
            elif mark == "i":
                r.italic = True
            elif mark == "code":
                r.font.name = OFFICE_MONO_FONT

    def add_blocks(blocks):
        for b in blocks:
            if b.kind == "heading":
                doc.add_heading(plain(b.text), level=min(b.level, 3))
            elif b.kind == "para":
                add_runs(doc.add_paragraph(), b.text)
            elif b.kind == "list":
                num_id = None
                for it in b.items:
                    p = doc.add_paragraph(style="List Number" if b.ordered else "List Bullet")
                    if b.ordered:
                        if num_id is None:
                            num_id = restart_numbering(p)
                        else:
                            numpr = p._p.get_or_add_pPr().get_or_add_numPr()
                            numpr.get_or_add_ilvl().val = 0
                            numpr.get_or_add_numId().val = num_id
                    add_runs(p, it)
            elif b.kind == "code":
                for ln in b.text.split("\n"):
                    p = doc.add_paragraph(style="No Spacing")
                    p.paragraph_format.left_indent = Pt(18)
                    r = p.add_run(ln if ln else " ")
                    r.font.name = OFFICE_MONO_FONT
                    r.font.size = Pt(9.5)
                    r.font.color.rgb = RGBColor(0x33, 0x33, 0x33)
                doc.add_paragraph()
            elif b.kind == "table":
                ncols = max(len(r) for r in b.rows)
                t = doc.add_table(rows=len(b.rows), cols=ncols)
                t.style = doc.styles["Table Grid"]
                for ri, row in enumerate(b.rows):
                    for ci in range(ncols):
                        cell = t.cell(ri, ci)
                        par = cell.paragraphs[0]
                        add_runs(par, row[ci] if ci < len(row) else "")
                        if ri == 0:
                            for r in par.runs:
                                r.bold = True
                doc.add_paragraph()

    h = doc.add_heading(ch.title, level=1)
    h.alignment = WD_ALIGN_PARAGRAPH.LEFT
    add_blocks(ch.intro)
    for sec in ch.sections:
        doc.add_heading(sec.heading, level=2)
        add_blocks(sec.blocks)

    cp = doc.core_properties
    cp.title = ch.title
    cp.subject = COURSE_TITLE
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.revision = 1
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.last_printed = FIXED_DATE
    cp.keywords = "coffee; brewing; Quarry sample course"
    cp.language = "zh-CN"
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------

_FONTS_READY = False


def register_fonts(font_path: str) -> None:
    global _FONTS_READY
    if _FONTS_READY:
        return
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not Path(font_path).exists():
        raise SystemExit(
            f"font {font_path} not found; install it (Debian: apt-get install fonts-wqy-microhei) "
            "or pass --font PATH to a TTF/TTC with CJK glyphs")
    pdfmetrics.registerFont(TTFont("CourseSans", font_path, subfontIndex=0))
    mono_index = 1 if font_path.endswith(".ttc") else 0
    pdfmetrics.registerFont(TTFont("CourseMono", font_path, subfontIndex=mono_index))
    # The font has one weight: map bold/italic onto it so <b>/<i> never fail.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping("CourseSans", bold, italic, "CourseSans")
            addMapping("CourseMono", bold, italic, "CourseMono")
    _FONTS_READY = True


def xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rl_inline(text: str) -> str:
    out = []
    for chunk, mark in inline_runs(text):
        c = xml_escape(chunk)
        if mark == "b":
            out.append(f'<font color="#7a2e0e">{c}</font>')  # single-weight font: colour marks emphasis
        elif mark == "i":
            out.append(f"<i>{c}</i>")
        elif mark == "code":
            out.append(f'<font name="CourseMono" color="#333333">{c}</font>')
        else:
            out.append(c)
    return "".join(out)


def render_pdf(ch: Chapter, font_path: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (KeepTogether, ListFlowable, ListItem, PageBreak, Paragraph,
                                    Preformatted, SimpleDocTemplate, Spacer, Table, TableStyle)

    register_fonts(font_path)
    base = dict(fontName="CourseSans", wordWrap="CJK")
    st_body = ParagraphStyle("body", fontSize=10.5, leading=17, spaceAfter=6, **base)
    st_h1 = ParagraphStyle("h1", fontSize=20, leading=28, spaceAfter=12, keepWithNext=1,
                           textColor=colors.HexColor("#3b2314"), **base)
    st_h2 = ParagraphStyle("h2", fontSize=15, leading=22, spaceBefore=4, spaceAfter=8, keepWithNext=1,
                           textColor=colors.HexColor("#5a3420"), **base)
    st_h3 = ParagraphStyle("h3", fontSize=12.5, leading=19, spaceBefore=6, spaceAfter=4, keepWithNext=1,
                           textColor=colors.HexColor("#5a3420"), **base)
    st_cell = ParagraphStyle("cell", fontSize=9.5, leading=14, **base)
    st_code = ParagraphStyle("code", fontName="CourseMono", fontSize=8.8, leading=13,
                             backColor=colors.HexColor("#f3efe9"), borderPadding=6,
                             leftIndent=6, rightIndent=6, spaceBefore=6, spaceAfter=12)

    def flow(blocks):
        out = []
        for b in blocks:
            if b.kind == "heading":
                out.append(Paragraph(rl_inline(b.text), st_h3 if b.level >= 3 else st_h2))
            elif b.kind == "para":
                out.append(Paragraph(rl_inline(b.text), st_body))
            elif b.kind == "list":
                items = [ListItem(Paragraph(rl_inline(it), st_body), leftIndent=18) for it in b.items]
                if b.ordered:
                    lf = ListFlowable(items, bulletType="1", bulletFormat="%s.", start=1,
                                      bulletFontName="CourseSans", bulletFontSize=10.5, leftIndent=18)
                else:
                    lf = ListFlowable(items, bulletType="bullet", start="•",
                                      bulletFontName="CourseSans", bulletFontSize=10.5, leftIndent=18)
                out.append(lf)
                out.append(Spacer(1, 4))
            elif b.kind == "code":
                out.append(Preformatted(b.text, st_code))
            elif b.kind == "table":
                ncols = max(len(r) for r in b.rows)
                data = [[Paragraph(rl_inline(r[c]) if c < len(r) else "", st_cell) for c in range(ncols)]
                        for r in b.rows]
                t = Table(data, repeatRows=1, hAlign="LEFT", colWidths=[170 * mm / ncols] * ncols)
                t.setStyle(TableStyle([
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#b8a99a")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eadfd3")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]))
                out.append(t)
                out.append(Spacer(1, 10))
        return out

    story = [Paragraph(rl_inline(ch.title), st_h1)]
    story.extend(flow(ch.intro))
    for i, sec in enumerate(ch.sections):
        if i > 0:
            story.append(PageBreak())  # every "##" section starts on a new page
        story.append(Paragraph(rl_inline(sec.heading), st_h2))
        story.extend(flow(sec.blocks))

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("CourseSans", 9)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawCentredString(A4[0] / 2, 12 * mm, str(doc.page))
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
        bottomMargin=22 * mm, title=ch.title, author=AUTHOR, subject=COURSE_TITLE,
        creator="courses/sample/render.py", producer="ReportLab", keywords="coffee, brewing",
        lang="zh-CN", invariant=1)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


# --------------------------------------------------------------------------
# Verification of the PDFs with poppler's pdftotext
# --------------------------------------------------------------------------

def verify_pdf(ch: Chapter, path: Path) -> list[str]:
    """Check that pdftotext gives back every text block and that each "##"
    section begins at the top of a page. Returns a list of problems."""
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        return ["pdftotext not found (Debian: apt-get install poppler-utils)"]
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    whole = squash(text)
    problems = []
    pieces = [ch.title] + [l for b in ch.intro for l in block_plain_lines(b)]
    for sec in ch.sections:
        pieces.append(sec.heading)
        for b in sec.blocks:
            if b.kind == "list":
                pieces.extend(plain(it) for it in b.items)
            elif b.kind == "table":
                pieces.extend(plain(c) for row in b.rows for c in row if c)
            else:
                pieces.extend(block_plain_lines(b))
    for piece in pieces:
        if squash(piece) and squash(piece) not in whole:
            problems.append(f"{path.name}: text not extracted: {piece[:60]!r}")
    pages = text.split("\f")
    firsts = [next((l.strip() for l in p.splitlines() if l.strip()), "") for p in pages]
    for i, sec in enumerate(ch.sections):
        if i > 0 and plain(sec.heading) not in firsts:
            problems.append(f"{path.name}: section {sec.heading!r} does not start a page")
    for n, page in enumerate(pages[:-1] if pages and not pages[-1].strip() else pages, 1):
        lines = [l.strip() for l in page.splitlines() if l.strip()]
        if not lines or lines[-1] != str(n):
            problems.append(f"{path.name}: page {n} has no page number in its footer")
    return problems


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="pptx,docx,pdf", help="comma-separated formats to render")
    ap.add_argument("--font", default=DEFAULT_FONT, help="TTF/TTC font with CJK glyphs for the PDFs")
    ap.add_argument("--verify", action="store_true",
                    help="check the PDFs with pdftotext (text, page starts, page numbers)")
    args = ap.parse_args()
    formats = {f.strip() for f in args.only.split(",") if f.strip()}
    unknown = formats - {"pptx", "docx", "pdf"}
    if unknown:
        ap.error(f"unknown format(s): {', '.join(sorted(unknown))}")

    chapters = [parse_chapter(p) for p in sorted(MD_DIR.glob("*.md"))]
    if not chapters:
        raise SystemExit(f"no Markdown chapters in {MD_DIR}")
    outdirs = {"pptx": HERE / "slides", "docx": HERE / "docx", "pdf": HERE / "pdf"}
    expected = {fmt: {f"{c.stem}.{fmt}" for c in chapters} for fmt in formats}
    for ch in chapters:
        for fmt in ("pptx", "docx", "pdf"):
            if fmt not in formats:
                continue
            data = {"pptx": lambda: render_pptx(ch), "docx": lambda: render_docx(ch),
                    "pdf": lambda: render_pdf(ch, args.font)}[fmt]()
            path = outdirs[fmt] / f"{ch.stem}.{fmt}"
            state = write_if_changed(path, data)
            print(f"{state:9s} {path.relative_to(HERE)}  ({len(data) / 1024:.0f} KiB)")
    # Remove renders of chapters that no longer exist.
    for fmt in formats:
        for old in sorted(outdirs[fmt].glob(f"*.{fmt}")):
            if old.name not in expected[fmt]:
                old.unlink()
                print(f"removed   {old.relative_to(HERE)}")
    if args.verify and "pdf" in formats:
        problems = [p for ch in chapters for p in verify_pdf(ch, outdirs["pdf"] / f"{ch.stem}.pdf")]
        for p in problems:
            print("PROBLEM  ", p)
        if problems:
            return 1
        print(f"verified  pdf text of {len(chapters)} chapters with pdftotext")
    return 0


if __name__ == "__main__":
    sys.exit(main())
