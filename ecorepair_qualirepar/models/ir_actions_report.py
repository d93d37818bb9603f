import io

import lxml.html
from lxml import etree

from odoo import models
from odoo.tools.pdf import ArrayObject, NameObject, PdfFileReader, PdfFileWriter

# The context key asking for several records' reports as pages of one document (see _run_wkhtmltopdf).
ONE_DOCUMENT = "qualirepar_one_document"
# Where each record starts in that document: an invisible link (a reserved domain, never reached) at the top of its
# first page, read back to split the PDF, then removed.
RECORD_MARK = "https://qualirepar.invalid/record/"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _run_wkhtmltopdf(self, bodies, *args, **kwargs):
        """With ``qualirepar_one_document`` in the context, the records' bodies are pages of one input document,
        each record from a new page and marked where it starts (see split_records): Debian's wkhtmltopdf (built
        on an unpatched Qt) converts one input document per run, and gives no PDF at all for several."""
        if self.env.context.get(ONE_DOCUMENT) and len(bodies) > 1:
            bodies = [_one_document(bodies)]
        return super()._run_wkhtmltopdf(bodies, *args, **kwargs)


def _one_document(bodies):
    """The bodies (whole HTML documents of the same layout) as one document, each from a new page, marked."""
    document = lxml.html.document_fromstring(bodies[0])
    first = list(document.body)
    for node in first:
        document.body.remove(node)
    for index, nodes in enumerate([first] + [list(lxml.html.document_fromstring(b).body) for b in bodies[1:]]):
        page = etree.SubElement(document.body, "div", style="page-break-before: always;" if index else "")
        etree.SubElement(page, "a", href=f"{RECORD_MARK}{index}",
                         style="display: block; width: 1px; height: 1px; margin-bottom: -1px;")
        page.extend(nodes)
    return lxml.html.tostring(document, encoding="unicode", doctype="<!DOCTYPE html>")


def split_records(content, count):
    """The PDF made of ``count`` records' bodies as one document (see _run_wkhtmltopdf), as one PDF per record,
    in their order, without the marks; None when the marks do not tell where each starts."""
    reader = PdfFileReader(io.BytesIO(content))
    starts = {}
    for number, page in enumerate(reader.pages):
        annotations = page.get("/Annots")
        annotations = annotations.get_object() if annotations is not None else []
        kept = ArrayObject()
        for annotation in annotations:
            uri = (annotation.get_object().get("/A") or {}).get("/URI") or ""
            if uri.startswith(RECORD_MARK):
                starts.setdefault(int(uri[len(RECORD_MARK):]), number)
            else:
                kept.append(annotation)
        if annotations:
            page[NameObject("/Annots")] = kept
    pages = [starts.get(index) for index in range(count)]
    if None in pages or pages[0] != 0 or pages != sorted(set(pages)):
        return None
    files = []
    for start, end in zip(pages, pages[1:] + [len(reader.pages)]):
        writer = PdfFileWriter()
        for number in range(start, end):
            writer.addPage(reader.getPage(number))
        stream = io.BytesIO()
        writer.write(stream)
        files.append(stream.getvalue())
    return files
