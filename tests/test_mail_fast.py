"""Mail: an .eml with a DOCX attachment and an .mbox of several messages are searchable by body, subject,
sender and attachment text; a new message in a mailbox embeds only its own chunks."""

from __future__ import annotations

import mailbox
from email.message import EmailMessage
from pathlib import Path


def make_message(subject: str, sender: str, body: str, attachment: tuple[str, bytes] | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "orla@example.org", subject
    msg["Date"] = "Tue, 03 Mar 2026 09:15:00 +0000"
    msg.set_content(body)
    if attachment:
        msg.add_attachment(attachment[1], maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename=attachment[0])
    return msg


def docx_bytes(tmp_path: Path, text: str) -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("Quote", level=1)
    d.add_paragraph(text)
    path = tmp_path / "quote.docx"
    d.save(str(path))
    return path.read_bytes()


def quote_eml(tmp_path: Path) -> bytes:
    """A roofer's quote: the body names a date, the DOCX attachment a price."""
    return bytes(make_message("Roof repair quote", "Dermot Quill <dermot@quill-roofing.ie>",
                              "Hi Orla,\n\nThe scaffolding goes up on the fourteenth of April.\n\nDermot",
                              ("quote.docx", docx_bytes(tmp_path, "Replacing the slate ridge tiles costs 2,340 euro."))))


MAILBOX_TOPICS = [("Allotment rota", "Weeding duty on plot nine is Saturday morning."),
                  ("Choir practice", "Bring the alto scores for the Faure requiem."),
                  ("Vet reminder", "The tortoise is due its spring check-up in May.")]


def test_an_eml_with_a_docx_attachment(workspace, tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "quote.eml").write_bytes(quote_eml(tmp_path))
    report = workspace.add_folder(folder)
    assert report.files_indexed == 1 and not report.errors
    eml = str(folder / "quote.eml")
    for query in ("scaffolding fourteenth April", "Roof repair quote", "dermot quill-roofing", "slate ridge tiles euro"):
        assert workspace.search(query, k=1)[0].path == eml, query
    hit = workspace.search("slate ridge tiles euro", k=1)[0]
    assert hit.heading.startswith("Roof repair quote › quote.docx")  # cited as message › attachment


def test_an_mbox_is_searchable_and_a_new_message_embeds_only_itself(workspace, fake_embedder, tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    path = folder / "inbox.mbox"
    box = mailbox.mbox(str(path))
    for subject, body in MAILBOX_TOPICS:
        box.add(make_message(subject, "neighbour@example.org", body))
    box.flush()
    report = workspace.add_folder(folder)
    assert report.files_indexed == 1
    for subject, body in MAILBOX_TOPICS:
        assert workspace.search(body, k=1)[0].path == str(path)
        assert subject in workspace.search(subject, k=1)[0].heading
    pages = sorted({h.page for h in workspace.search("the", k=10)})
    assert pages == [1, 2, 3]  # each message is its own page, cited as such

    before = fake_embedder.calls
    box.add(make_message("Bin collection", "council@example.org", "Brown bins are emptied on alternate Fridays."))
    box.flush()
    box.close()
    again = workspace.index([str(folder)])
    new_chunks = fake_embedder.calls - before
    assert again.files_indexed == 1 and 1 <= new_chunks <= 2, new_chunks  # the old messages' chunks are reused
    assert workspace.search("brown bins alternate Fridays", k=1)[0].path == str(path)
