"""A PDF/UA-1 and PDF/A-3 checker for the test suite, on pikepdf and qpdf.

veraPDF, the reference validator, is not installable from the package registries the project
uses; this checks the properties of those standards that a summary could plausibly get wrong
(docs/accessibility.md lists them, and what only veraPDF would check). `problems(pdf)` returns
one sentence per broken rule, so a failing test says what is wrong.
"""

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

import pikepdf

from tests.pdf_glyphs import drawn_text

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
X = "adobe:ns:meta/"
PDFAID = "http://www.aiim.org/pdfa/ns/id/"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
DC = "http://purl.org/dc/elements/1.1/"

# ISO 32000-1, 14.8.4: the standard structure types every role must be, or map to.
STANDARD_ROLES = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index",
    "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody",
    "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference",
    "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure",
    "Formula", "Form",
}  # fmt: skip
TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
# A BCP 47 language tag, as far as /Lang needs: a primary language and optional subtags.
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


@dataclass
class Element:
    role: str
    children: list["Element"] = field(default_factory=list)
    mcids: list[int] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Report:
    problems: list[str]
    structure: Element | None
    xmp: dict[str, str]

    def roles(self) -> list[str]:
        return [element.role for element in self.structure.walk()] if self.structure else []


def check(pdf: bytes) -> Report:
    problems = _qpdf_check(pdf)
    if problems:
        # A file qpdf finds damaged is read back only after repairs: judge the file first.
        return Report(problems=problems, structure=None, xmp={})
    problems += _glyphs(pdf)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        if document.is_encrypted:
            problems.append("the PDF is encrypted")
        if document.pdf_version > "1.7":
            problems.append(f"PDF {document.pdf_version}: PDF/A-3 is based on PDF 1.7")
        xmp, xmp_problems = _xmp(document)
        problems += xmp_problems
        problems += _catalog(document, xmp)
        problems += _fonts(document)
        problems += _output_intent(document)
        problems += _nothing_external(document)
        structure, structure_problems = _structure(document)
        problems += structure_problems
        if structure is not None:
            problems += _content_marking(document, structure)
    return Report(problems=problems, structure=structure, xmp=xmp)


def _qpdf_check(pdf: bytes) -> list[str]:
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        return ["qpdf is not installed (scripts/system-packages.sh test installs it)"]
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        result = subprocess.run([qpdf, "--check", file.name], capture_output=True, text=True, check=False)
    if result.returncode != 0 or "WARNING" in result.stdout + result.stderr:
        return [f"qpdf --check exit {result.returncode}: {(result.stdout + result.stderr).strip()[-500:]}"]
    return []


def _glyphs(pdf: bytes) -> list[str]:
    """Every glyph drawn has a character in its font's ToUnicode map, and none is the missing-glyph box."""
    drawn = drawn_text(pdf)
    problems = []
    unmapped = (drawn.drawn + drawn.missing).count("\ufffd")
    if unmapped:
        problems.append(f"{unmapped} glyphs drawn have no Unicode mapping")
    if drawn.missing:
        problems.append(f"the missing-glyph box (.notdef) is drawn for {drawn.missing!r}")
    return problems


def _xmp(document: pikepdf.Pdf) -> tuple[dict[str, str], list[str]]:
    """The XMP properties that identify the standards, and what is wrong with the packet."""
    if "/Metadata" not in document.Root:
        return {}, ["no XMP metadata stream in the catalog"]
    packet = document.Root.Metadata.read_bytes()
    root = ElementTree.fromstring(packet[packet.index(b"<x:xmpmeta") : packet.rindex(b"</x:xmpmeta>") + 12])
    problems = []
    rdfs = list(root)
    if len(rdfs) != 1 or rdfs[0].tag != f"{{{RDF}}}RDF":
        problems.append(f"x:xmpmeta must hold exactly one rdf:RDF, it holds {[e.tag for e in rdfs]}")
    found: dict[str, str] = {}
    for description in root.iter(f"{{{RDF}}}Description"):
        for name, value in description.attrib.items():
            found[name] = value
        for child in description:
            if child.text and child.text.strip():
                found[child.tag] = child.text.strip()
    title = root.find(f".//{{{DC}}}title//{{{RDF}}}li")
    xmp = {
        "pdfaid:part": found.get(f"{{{PDFAID}}}part", ""),
        "pdfaid:conformance": found.get(f"{{{PDFAID}}}conformance", ""),
        "pdfuaid:part": found.get(f"{{{PDFUAID}}}part", ""),
        "dc:title": title.text if title is not None and title.text else "",
    }
    if xmp["pdfaid:part"] != "3" or xmp["pdfaid:conformance"] not in ("A", "U"):
        problems.append(f"XMP does not claim PDF/A-3a or 3u: {xmp['pdfaid:part']!r} {xmp['pdfaid:conformance']!r}")
    if xmp["pdfuaid:part"] != "1":
        problems.append(f"XMP does not claim PDF/UA-1: pdfuaid:part is {xmp['pdfuaid:part']!r}")
    declared = {namespace.text for namespace in root.iter(f"{{{PDFA_SCHEMA}}}namespaceURI") if namespace.text}
    if xmp["pdfuaid:part"] and PDFUAID not in declared:
        problems.append("pdfuaid is used without the PDF/A extension schema that declares it")
    if not xmp["dc:title"]:
        problems.append("XMP has no dc:title")
    info_title = str(document.docinfo.get("/Title", ""))
    if info_title != xmp["dc:title"]:
        problems.append("the Info dictionary's Title and XMP dc:title differ")
    return xmp, problems


def _catalog(document: pikepdf.Pdf, xmp: dict[str, str]) -> list[str]:
    root = document.Root
    problems = []
    if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
        problems.append("MarkInfo/Marked is not true")
    if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        problems.append("ViewerPreferences/DisplayDocTitle is not true")
    language = str(root.get("/Lang", ""))
    if not LANGUAGE_TAG.match(language):
        problems.append(f"the catalog's /Lang is not a language tag: {language!r}")
    if "/StructTreeRoot" not in root:
        problems.append("no StructTreeRoot: the PDF is not tagged")
    for number, page in enumerate(document.pages, start=1):
        if page.obj.get("/Annots") and page.obj.get("/Tabs") != "/S":
            problems.append(f"page {number} has annotations but its tab order is not the structure's")
    return problems


def _fonts_of(resources, seen: set) -> list[tuple[str, pikepdf.Dictionary]]:
    """Every font reachable from a resource dictionary, through forms and Type 3 fonts too."""
    if resources is None or resources.objgen in seen and resources.objgen != (0, 0):
        return []
    seen.add(resources.objgen)
    fonts = []
    for name, font in resources.get("/Font", {}).items():
        fonts.append((name, font))
        if font.get("/Subtype") == "/Type3":
            fonts += _fonts_of(font.get("/Resources"), seen)
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == "/Form":
            fonts += _fonts_of(xobject.get("/Resources"), seen)
    return fonts


def _fonts(document: pikepdf.Pdf) -> list[str]:
    problems = []
    seen: set = set()
    fonts = []
    for page in document.pages:
        fonts += _fonts_of(page.obj.get("/Resources"), seen)
    for name, font in {font.objgen: (name, font) for name, font in fonts}.values():
        label = f"font {name} ({font.get('/BaseFont', font.get('/Subtype'))})"
        if "/ToUnicode" not in font:
            problems.append(f"{label} has no ToUnicode map")
        if font.get("/Subtype") == "/Type3":
            continue  # its glyphs are content streams inside the PDF: embedded by definition
        descriptor_owner = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
        descriptor = descriptor_owner.get("/FontDescriptor")
        if descriptor is None or not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            problems.append(f"{label} is not embedded")
    return problems


def _output_intent(document: pikepdf.Pdf) -> list[str]:
    intents = document.Root.get("/OutputIntents", [])
    pdfa = [intent for intent in intents if intent.get("/S") == "/GTS_PDFA1"]
    if len(pdfa) != 1:
        return [f"expected one GTS_PDFA1 output intent, found {len(pdfa)}"]
    profile = pdfa[0].get("/DestOutputProfile")
    if profile is None or not isinstance(profile, pikepdf.Stream):
        return ["the output intent has no ICC profile"]
    data = profile.read_bytes()
    if data[36:40] != b"acsp" or int(profile.get("/N", 0)) not in (1, 3, 4):
        return ["the output intent's profile is not an ICC profile"]
    return []


def _nothing_external(document: pikepdf.Pdf) -> list[str]:
    """No JavaScript, no launched or external files, no embedded files: an archive keeps it all."""
    problems = []
    names = document.Root.get("/Names", {})
    if "/JavaScript" in names or "/EmbeddedFiles" in names:
        problems.append("the catalog names JavaScript or embedded files")
    if "/AA" in document.Root or "/OpenAction" in document.Root:
        problems.append("the catalog runs actions when opened")
    for number, page in enumerate(document.pages, start=1):
        for annotation in page.obj.get("/Annots", []):
            action = annotation.get("/A", {})
            if action.get("/S") in ("/Launch", "/JavaScript", "/GoToR", "/ImportData", "/SubmitForm"):
                problems.append(f"page {number} has a {action.get('/S')} action")
    return problems


def _structure(document: pikepdf.Pdf) -> tuple[Element | None, list[str]]:
    tree = document.Root.get("/StructTreeRoot")
    if tree is None:
        return None, []
    role_map = {str(key)[1:]: str(value)[1:] for key, value in tree.get("/RoleMap", {}).items()}
    problems = []

    def standard(role: str) -> str:
        seen = set()
        while role not in STANDARD_ROLES and role in role_map and role not in seen:
            seen.add(role)
            role = role_map[role]
        return role

    def build(item) -> Element:
        role = str(item.S)[1:]
        if standard(role) not in STANDARD_ROLES:
            problems.append(f"structure role {role} is neither standard nor mapped to a standard one")
        element = Element(role=standard(role))
        kids = item.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
            if isinstance(kid, int):
                element.mcids.append(int(kid))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                element.mcids.append(int(kid.MCID))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                element.children.append(build(kid))
        return element

    kids = tree.get("/K")
    top = [kids] if isinstance(kids, pikepdf.Dictionary) else list(kids or [])
    if len(top) != 1 or top[0].get("/S") != "/Document":
        problems.append("the structure tree does not have one Document at its root")
    root = Element(role="StructTreeRoot", children=[build(kid) for kid in top])
    return root, problems


def _content_marking(document: pikepdf.Pdf, structure: Element) -> list[str]:
    """All text is either tagged content in the structure tree or an artifact, in page order.

    Checks, per page: no text is drawn outside a marked-content sequence with an MCID or an
    Artifact; every MCID drawn belongs to an element of the tree; and the tree, read depth
    first, meets the MCIDs in the order the page draws them (the reading order follows the page).
    """
    problems = []
    in_tree = [mcid for element in structure.walk() for mcid in element.mcids]
    drawn_order: list[int] = []
    for number, page in enumerate(document.pages, start=1):
        stack: list[str] = []  # "mcid", "artifact" or "other" for each open marked-content sequence
        untagged = 0
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                tag = str(operands[0])
                if tag == "/Artifact":
                    stack.append("artifact")
                elif op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                    stack.append("mcid")
                    drawn_order.append(int(operands[1].MCID))
                else:
                    stack.append("other")
            elif op == "EMC" and stack:
                stack.pop()
            elif op in TEXT_SHOWING and not ({"mcid", "artifact"} & set(stack)):
                untagged += 1
        if untagged:
            problems.append(f"page {number} draws {untagged} pieces of text neither tagged nor artifact")
    missing = sorted(set(drawn_order) - set(in_tree))
    if missing:
        problems.append(f"marked content {missing} is drawn but not in the structure tree")
    if len(document.pages) == 1 and [m for m in in_tree if m in set(drawn_order)] != drawn_order:
        problems.append("the structure tree's reading order differs from the order the page is drawn in")
    return problems
