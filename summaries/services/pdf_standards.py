"""What makes a summary PDF both archivable (PDF/A-3a) and accessible (PDF/UA-1).

WeasyPrint takes one `pdf_variant` per render. PDF/A-3a is the one chosen: it tags the PDF (the
"a" level asks for a logical structure, as PDF/UA does), embeds every font with a ToUnicode map,
adds the sRGB output intent and a file identifier, and writes the `pdfaid` claim into the XMP
metadata. The tags also bring what PDF/UA-1 needs from the catalog (`MarkInfo/Marked`,
`ViewerPreferences/DisplayDocTitle`, `/Lang` from `<html lang>`). What PDF/A-3a leaves out is
PDF/UA-1's own identification, `pdfuaid:part`, and WeasyPrint's 'pdf/ua-1' variant only adds that
claim and nothing else. So the document's metadata (a documented, public attribute of a rendered
WeasyPrint document) is swapped for a subclass that writes the `pdfuaid` claim into the same
`rdf:RDF` as the `pdfaid` one, with the extension schema PDF/A-2 and later ask for any property
outside the schemas they predefine. One `rdf:RDF`, not a second one appended with
`xmp_metadata`: an XMP packet holds a single `rdf:RDF`, and validators reject a second.
"""

from xml.etree.ElementTree import Element, SubElement, fromstring, register_namespace, tostring

from weasyprint.document import Document, DocumentMetadata

PDF_VARIANT = "pdf/a-3a"
PDF_UA_PART = "1"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"

# The prefixes the PDF/A extension schema container is known by.
for _prefix, _uri in (
    ("pdfuaid", PDFUAID),
    ("pdfaExtension", PDFA_EXTENSION),
    ("pdfaSchema", PDFA_SCHEMA),
    ("pdfaProperty", PDFA_PROPERTY),
):
    register_namespace(_prefix, _uri)


def _pdfua_extension_schema() -> Element:
    """The PDF/A extension schema that declares `pdfuaid:part`."""
    description = Element(f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
    bag = SubElement(SubElement(description, f"{{{PDFA_EXTENSION}}}schemas"), f"{{{RDF}}}Bag")
    schema = SubElement(bag, f"{{{RDF}}}li", {f"{{{RDF}}}parseType": "Resource"})
    for name, text in (
        ("schema", "PDF/UA Universal Accessibility Schema"),
        ("namespaceURI", PDFUAID),
        ("prefix", "pdfuaid"),
    ):
        SubElement(schema, f"{{{PDFA_SCHEMA}}}{name}").text = text
    properties = SubElement(SubElement(schema, f"{{{PDFA_SCHEMA}}}property"), f"{{{RDF}}}Seq")
    part = SubElement(properties, f"{{{RDF}}}li", {f"{{{RDF}}}parseType": "Resource"})
    for name, text in (
        ("name", "part"),
        ("valueType", "Integer"),
        ("category", "internal"),
        ("description", "Indicates, which part of ISO 14289 standard is followed"),
    ):
        SubElement(part, f"{{{PDFA_PROPERTY}}}{name}").text = text
    return description


class ArchivalAccessibleMetadata(DocumentMetadata):
    """WeasyPrint's metadata, whose XMP also claims PDF/UA-1 next to the PDF/A claim."""

    def generate_rdf_metadata(self, variant, version, conformance):
        rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))
        identification = rdf.find(f"{{{RDF}}}Description")
        identification.set(f"{{{PDFUAID}}}part", PDF_UA_PART)
        rdf.append(_pdfua_extension_schema())
        return tostring(rdf, encoding="utf-8")


def claim_pdf_ua(document: Document) -> None:
    """Make `document`'s PDF claim PDF/UA-1 too, when written with PDF_VARIANT."""
    document.metadata = ArchivalAccessibleMetadata(**vars(document.metadata))
