"""Mail with the real bundled embedder: an .eml's body, subject and DOCX attachment, and each message of an
.mbox, are found by what they say (the fast tier checks the same with hashed words)."""

from __future__ import annotations

import mailbox

from tests.test_mail_fast import MAILBOX_TOPICS, make_message, quote_eml


def test_mail_is_found_by_meaning_with_the_real_embedder(real_workspace, tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "quote.eml").write_bytes(quote_eml(tmp_path))
    box = mailbox.mbox(str(folder / "inbox.mbox"))
    for subject, body in MAILBOX_TOPICS:
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
