"""Mail: `.eml` (one message) and `.mbox` (many), with the standard library's `email` and `mailbox`.

From, to, date and subject become a searchable header block; the body is the plain-text part (or the HTML
part as text); each attachment the registry can read is parsed and cited as "subject › file name". In a
mailbox every message is its own page, so chunks never span two messages: a new message only adds chunks,
and the rest are found unchanged by their hashes instead of being embedded again.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
import os
import tempfile
from email.message import EmailMessage
from pathlib import Path

from indexer.errors import ParseFailed, SkipFile
from indexer.parsers.markup import html_blocks
from indexer.parsers.registry import Block, SUPPORTED, decode_text, paragraphs, parse_path, read_bytes, register

HEADERS = ("From", "To", "Cc", "Date", "Subject")
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # larger attachments are named, not read


def message_blocks(msg: EmailMessage, page: int | None = None) -> list[Block]:
    subject = str(msg.get("Subject", "") or "").strip() or "(no subject)"
    header = "\n".join(f"{name}: {msg[name]}" for name in HEADERS if msg.get(name))
    blocks = [Block(header, page, subject, "heading")]
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is not None:
        content = _text_of(body)
        blocks += html_blocks(content, page, subject) if body.get_content_subtype() == "html" else \
            paragraphs(content, page, subject)
    for part in msg.iter_attachments():
        blocks += _attachment_blocks(part, subject, page)
    return blocks


def _text_of(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeDecodeError):  # an unknown or wrong charset: decode the bytes as a text file does
        return decode_text(part.get_payload(decode=True) or b"")


def _attachment_blocks(part: EmailMessage, subject: str, page: int | None) -> list[Block]:
    name = os.path.basename(part.get_filename() or "")
    if not name or Path(name).suffix.lower() not in SUPPORTED - {".eml", ".mbox"}:
        return []
    data = part.get_payload(decode=True) or b""
    heading = f"{subject} › {name}"
    if len(data) > MAX_ATTACHMENT_BYTES:
        return [Block(f"Attachment {name} (too large to read)", page, heading)]
    with tempfile.TemporaryDirectory(prefix="hearth-mail-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            doc = parse_path(path)
        except (SkipFile, ParseFailed) as exc:
            return [Block(f"Attachment {name} could not be read: {exc}", page, heading)]
    return [Block(b.text, page, f"{heading} › {b.heading}" if b.heading else heading, b.kind) for b in doc.blocks]


@register("email", ".eml")
def parse_eml(path: Path) -> list[Block]:
    msg = email.message_from_bytes(read_bytes(path), policy=email.policy.default)
    if not msg.keys():
        raise ParseFailed("not an email message (no headers found)")
    return message_blocks(msg)


@register("mbox", ".mbox")
def parse_mbox(path: Path) -> list[Block]:
    box = mailbox.mbox(str(path), factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default),
                       create=False)
    blocks: list[Block] = []
    try:
        for number, msg in enumerate(box, start=1):
            blocks += message_blocks(msg, page=number)
    finally:
        box.close()
    return blocks
