"""Mail with the real bundled embedder: an .eml's body, subject and DOCX attachment, and each message of an
.mbox, are found by what they say (the fast tier checks the same with hashed words)."""

from __future__ import annotations

import mailbox

from tests.test_mail_fast import docx_bytes, make_message


def test_mail_is_found_by_meaning_with_the_real_embedder(real_workspace, tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    msg = make_message("Roof repair quote", "Dermot Quill <dermot@quill-roofing.ie>",
                       "Hi Orla,\n\nThe scaffolding goes up on the fourteenth of April.\n\nDermot",
                       ("quote.docx", docx_bytes(tmp_path, "Replacing the slate ridge tiles costs 2,340 euro.")))
    (folder / "quote.eml").write_bytes(bytes(msg))
    box = mailbox.mbox(str(folder / "inbox.mbox"))
    for subject, body in [("Allotment rota", "Weeding duty on plot nine is Saturday morning."),
                          ("Choir practice", "Bring the alto scores for the Faure requiem."),
                          ("Vet reminder", "The tortoise is due its spring check-up in May.")]:
        box.add(make_message(subject, "neighbour@example.org", body))
    box.flush()
    box.close()
    report = real_workspace.add_folder(folder)
    assert report.files_indexed == 2 and not report.errors

    def first(query: str):
        return real_workspace.search(query, k=1)[0]

    assert first("when is the scaffolding put up").path == str(folder / "quote.eml")
    assert first("how much do new ridge tiles cost").heading.startswith("Roof repair quote › quote.docx")
    assert first("roof repair quote").path == str(folder / "quote.eml")
    hit = first("when does the tortoise see the vet")
    assert hit.path == str(folder / "inbox.mbox") and hit.page == 3 and "Vet reminder" in hit.heading
    assert first("choir music to bring").page == 2
