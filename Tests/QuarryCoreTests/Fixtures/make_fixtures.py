#!/usr/bin/env python3
"""Generate the small Office/PDF/text fixtures for the ingestion reader tests.

Run once after changing it (the generated files are committed):

    python3 -m venv /tmp/fixtures-venv
    /tmp/fixtures-venv/bin/pip install python-pptx python-docx reportlab
    /tmp/fixtures-venv/bin/python Tests/QuarryCoreTests/Fixtures/make_fixtures.py

The PDF needs a CJK TrueType font (Debian: fonts-wqy-microhei). Outputs go to
Tests/QuarryCoreTests/Fixtures/ingestion/. Everything is deterministic enough for
tests: the tests assert text, order and metadata, never bytes.
"""

from __future__ import annotations

import copy
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "ingestion"
CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def make_pptx(path: Path) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    title_layout = prs.slide_layouts[0]  # title + subtitle
    content_layout = prs.slide_layouts[1]  # title + content
    blank_layout = prs.slide_layouts[6]

    # Slide A (will be shown 1st).
    s1 = prs.slides.add_slide(title_layout)
    s1.shapes.title.text = "Grinding Basics"
    s1.placeholders[1].text = "Why grind size matters."
    s1.notes_slide.notes_text_frame.text = "Speaker note: finer grinds extract faster."

    # Slide B (file slide2.xml, moved to position 3 below).
    s2 = prs.slides.add_slide(content_layout)
    s2.shapes.title.text = "水温与萃取"
    body = s2.placeholders[1].text_frame
    body.text = "水温越高，萃取越快。"
    p = body.add_paragraph()
    p.text = "推荐水温为 92–96 摄氏度。"
    s2.notes_slide.notes_text_frame.text = "备注：温度过高会带来苦味。"

    # Slide C (file slide3.xml, moved to position 2): a table and a group, no notes.
    s3 = prs.slides.add_slide(content_layout)
    s3.shapes.title.text = "Brew Ratios"
    s3.placeholders[1].text = "Start at 1:16 and adjust to taste."
    rows, cols = 3, 2
    table = s3.shapes.add_table(rows, cols, Inches(1), Inches(4), Inches(6), Inches(1.2)).table
    for r, (a, b) in enumerate([("Method", "Ratio"), ("Pour-over", "1:16"), ("Espresso", "1:2")]):
        table.cell(r, 0).text = a
        table.cell(r, 1).text = b
    group = s3.shapes.add_group_shape()
    box = group.shapes.add_textbox(Inches(1), Inches(6), Inches(4), Inches(0.5))
    box.text_frame.text = "Grouped hint: weigh your beans."

    # Slide D: no title placeholder at all.
    s4 = prs.slides.add_slide(blank_layout)
    box = s4.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1))
    box.text_frame.text = "A slide without a title."

    # Presentation order: A, C, B, D (slide ids reordered; part names unchanged).
    id_list = prs.slides._sldIdLst
    items = list(id_list)
    for item in items:
        id_list.remove(item)
    for index in (0, 2, 1, 3):
        id_list.append(items[index])
    prs.core_properties.title = "Fixture Deck"
    prs.save(path)


def make_docx(path: Path) -> None:
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_BREAK

    doc = Document()
    doc.core_properties.title = "Fixture Document"
    doc.add_paragraph("Coffee Handbook", style="Title")
    doc.add_paragraph("An introduction before any heading.")
    doc.add_heading("Beans", level=1)
    doc.add_paragraph("Arabica and robusta are the two main species.")
    doc.add_heading("Roasting", level=2)
    doc.add_paragraph("Light roasts keep more acidity.")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Roast"
    table.cell(0, 1).text = "Acidity"
    table.cell(1, 0).text = "Light"
    table.cell(1, 1).text = "High"
    # A page break, then a chapter in a custom style based on Heading 1 (no name match:
    # the level must come from the inherited outline level).
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    custom = doc.styles.add_style("KapitelStil", WD_STYLE_TYPE.PARAGRAPH)
    custom.base_style = doc.styles["Heading 1"]
    doc.add_paragraph("冲煮", style=custom)
    doc.add_paragraph("手冲需要稳定的水流。注水要均匀！")
    doc.add_heading("Espresso", level=2)
    doc.add_paragraph("Espresso uses about 9 bar of pressure.")
    doc.save(path)


def make_pdf(path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", CJK_FONT, subfontIndex=0))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle("Fixture PDF")
    pages = [
        ("Chapter 1: Beans", 0, ["Coffee beans are the seeds of a fruit.", "", "They are roasted before brewing."]),
        ("1.1 Origins", 1, ["Ethiopia is often called the birthplace of coffee."]),
        ("第二章 冲煮", 0, ["水温影响萃取速度。", "", "研磨度决定接触面积。"]),
    ]
    for number, (title, level, lines) in enumerate(pages, start=1):
        key = f"p{number}"
        c.bookmarkPage(key)
        c.addOutlineEntry(title, key, level=level)
        c.setFont("WQY", 18)
        c.drawString(72, 770, title)
        c.setFont("WQY", 12)
        y = 730
        for line in lines:
            if line:
                c.drawString(72, y, line)
            y -= 36 if not line else 18
        c.showPage()
    c.save()


def make_texts() -> None:
    chinese = "第一段：咖啡豆的产地。\n\n第二段：烘焙改变风味。\n"
    (OUT / "gb18030.txt").write_bytes(chinese.encode("gb18030"))
    latin = "Caf\u00e9 cr\u00e8me na\u00efve.\n\nSecond paragraph \u00e0 la carte.\n"
    (OUT / "latin1.txt").write_bytes(latin.encode("latin-1"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    make_pptx(OUT / "deck.pptx")
    make_docx(OUT / "handbook.docx")
    make_pdf(OUT / "guide.pdf")
    make_texts()
    for item in sorted(OUT.iterdir()):
        print(f"{item.name}: {item.stat().st_size} bytes")


if __name__ == "__main__":
    main()
