#!/usr/bin/python3
"""Writes the interop corpus (*.eml beside this script), byte for byte.

The .eml files are the test inputs; this script is how they were made and
how to remake them after an edit. It exists because much of what the
corpus exercises is invisible in an editor (CRLF versus LF, a trailing tab,
a missing final CRLF), so each message is spelled out here with explicit
line ends. Every message uses CRLF and stays within 998 octets per line
(RFC 5322 section 2.1.1); all three DKIM implementations must read the same
bytes, so nothing here depends on an implementation fixing bare LF.

Usage: /usr/bin/python3 make_corpus.py   (rewrites every .eml, idempotent)
"""

import base64
import os
import random

CRLF = "\r\n"
HERE = os.path.dirname(os.path.abspath(__file__))

# Filled by @message; name -> (bytes, one-line description for README.md).
MESSAGES = {}


def message(name, about):
    """Registers the decorated function's return value as corpus/<name>."""

    def register(build):
        data = build()
        if isinstance(data, str):
            data = data.encode("utf-8")
        MESSAGES[name] = (data, about)
        return build

    return register


def lines(*parts, final_crlf=True):
    """Joins lines with CRLF; the last one gets a CRLF unless told not to."""
    text = CRLF.join(parts)
    return text + CRLF if final_crlf else text


def std_headers(n, subject="Interop test message", extra=()):
    """The five header fields every corpus message carries, plus extras."""
    return [
        "From: Alice Example <alice@example.org>",
        "To: Bob Example <bob@example.net>",
        "Subject: " + subject,
        "Date: Tue, 04 Mar 2025 10:%02d:00 +0000" % (n % 60),
        "Message-ID: <corpus-%02d@example.org>" % n,
        *extra,
    ]


def wrap76(data):
    """Base64 of data in 76-character lines (RFC 2045 section 6.8)."""
    text = base64.b64encode(data).decode("ascii")
    return [text[i:i + 76] for i in range(0, len(text), 76)]


@message("01-minimal.eml", "the plainest message: five header fields, two body lines")
def _():
    return lines(*std_headers(1), "", "Hello Bob,", "this is a short plain message.")


@message("02-folded-received.eml",
         "two folded Received fields and a Subject folded over three lines with tabs")
def _():
    return lines(
        "Received: from mx1.example.net (mx1.example.net [192.0.2.10])",
        "\tby mx2.example.org (Postfix) with ESMTPS id 4Zk3;",
        "\tTue, 04 Mar 2025 10:02:05 +0000 (UTC)",
        "Received: from client.example.net (client.example.net [192.0.2.77])",
        "        by mx1.example.net with ESMTP;",
        "        Tue, 04 Mar 2025 10:02:01 +0000",
        "From: Alice Example <alice@example.org>",
        "To: Bob Example <bob@example.net>",
        "Subject: A subject that is long enough to be folded",
        "\tonto a second line with a tab",
        " \tand a third one with a space and a tab",
        "Date: Tue, 04 Mar 2025 10:02:00 +0000",
        "Message-ID: <corpus-02@example.org>",
        "",
        "Folded header fields above.",
    )


@message("03-header-wsp.eml",
         "runs of spaces and tabs inside header values and trailing WSP after them")
def _():
    return lines(
        "From:   Alice   Example\t<alice@example.org>  ",
        "To:\tBob\t\tExample <bob@example.net>\t",
        "Subject: spaces    and\t\ttabs   inside \t ",
        "Date: Tue, 04 Mar 2025 10:03:00 +0000",
        "Message-ID: <corpus-03@example.org>   ",
        "X-Trailing: value with trailing tab\t",
        "",
        "Body is plain; the header fields carry the whitespace.",
    )


@message("04-body-wsp.eml", "body lines with trailing spaces and tabs and inner WSP runs")
def _():
    return lines(
        *std_headers(4),
        "",
        "trailing spaces   ",
        "trailing tab\t",
        "trailing mix \t \t",
        "inner    runs\t\tof  \t whitespace",
        "\tleading tab kept, trailing space ",
        "last line",
    )


@message("05-empty-body.eml", "header fields, the empty separator line, then no body at all")
def _():
    return lines(*std_headers(5, "empty body"), "")


@message("06-headers-only.eml",
         "header fields only, without the empty line that would start a body")
def _():
    return lines(*std_headers(6, "no header/body separator"))


@message("07-blank-lines-body.eml", "a body made of five empty lines only")
def _():
    return lines(*std_headers(7, "body of blank lines"), "") + CRLF * 5


@message("08-no-final-crlf.eml", "the last body line has no CRLF")
def _():
    return lines(*std_headers(8), "", "first line", "last line without CRLF",
                 final_crlf=False)


@message("09-whitespace-lines.eml",
         "body lines holding only spaces or tabs, inside and at the end of the body")
def _():
    return lines(
        *std_headers(9),
        "",
        "text",
        "   ",
        "\t",
        "more text",
        " \t ",
        "",
        "end of text",
        "    ",
        "\t\t",
        "",
        "",
    )


@message("10-utf8-body.eml", "8-bit UTF-8 body with Content-Transfer-Encoding 8bit")
def _():
    return lines(
        *std_headers(10, "utf-8 body", [
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ]),
        "",
        "Grüße aus Köln, ça va? Ελληνικά, русский, 日本語, emoji 🙂.",
        "Ünïcödé at line start and end: ñ",
        "Zero-width joiner: 👩‍💻 and a non-breaking\u00a0space.",
    )


@message("11-utf8-headers.eml",
         "raw UTF-8 in From display name and Subject (RFC 6532), ASCII body")
def _():
    return lines(
        "From: Jürgen Müller <juergen@example.org>",
        "To: Zoë <zoe@example.net>",
        "Subject: Überraschung: 日本語の件名 with ümlauts",
        "Date: Tue, 04 Mar 2025 10:11:00 +0000",
        "Message-ID: <corpus-11@example.org>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Header fields in UTF-8, body in ASCII.",
    )


@message("12-long-lines.eml",
         "body lines of 990 octets and an unfolded 990-octet header field")
def _():
    long_header = "X-Long: " + ("abcdefghij" * 99)[: 990 - len("X-Long: ")]
    body_a = ("0123456789" * 99)[:990]
    body_b = ("The quick brown fox jumps over the lazy dog. " * 22)[:989] + "!"
    return lines(*std_headers(12, "long lines", [long_header]), "", body_a, body_b,
                 "short", body_a.replace("5", " "))


@message("13-rfc2047-b.eml", "RFC 2047 B-encoded Subject split over folded encoded-words")
def _():
    def b(text):
        return "=?UTF-8?B?" + base64.b64encode(text.encode()).decode() + "?="

    return lines(
        "From: =?UTF-8?B?" + base64.b64encode("Ärger Äpfel".encode()).decode()
        + "?= <apples@example.org>",
        "To: Bob Example <bob@example.net>",
        "Subject: " + b("Grüße zum Frühling, "),
        " " + b("und ein zweites Wort: Ölförderung"),
        "Date: Tue, 04 Mar 2025 10:13:00 +0000",
        "Message-ID: <corpus-13@example.org>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "Encoded words in the header, plain ASCII here.",
    )


@message("14-rfc2047-q.eml", "RFC 2047 Q-encoded Subject and From display name")
def _():
    return lines(
        "From: =?ISO-8859-1?Q?Andr=E9_Pirard?= <andre@example.org>",
        "To: =?utf-8?q?Bj=C3=B6rn?= <bjorn@example.net>",
        "Subject: =?ISO-8859-1?Q?Caf=E9_cr=E8me?= =?ISO-8859-1?Q?_and_more_=3D_tea?=",
        "Date: Tue, 04 Mar 2025 10:14:00 +0000",
        "Message-ID: <corpus-14@example.org>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "Q-encoded words in the header fields.",
    )


@message("15-multipart-mixed.eml",
         "multipart/mixed: text part plus a base64 attachment, preamble and epilogue")
def _():
    blob = bytes(random.Random(15).randrange(256) for _ in range(3000))
    return lines(
        *std_headers(15, "attachment", [
            "MIME-Version: 1.0",
            'Content-Type: multipart/mixed; boundary="=_mixed_15"',
        ]),
        "",
        "This is a multi-part message in MIME format.",
        "",
        "--=_mixed_15",
        "Content-Type: text/plain; charset=us-ascii",
        "Content-Transfer-Encoding: 7bit",
        "",
        "See the attached file.",
        "",
        "--=_mixed_15",
        "Content-Type: application/octet-stream; name=\"blob.bin\"",
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment; filename=\"blob.bin\"",
        "",
        *wrap76(blob),
        "",
        "--=_mixed_15--",
        "",
        "epilogue text that nobody reads",
    )


@message("16-multipart-alternative.eml",
         "multipart/alternative: quoted-printable text and html with soft line breaks")
def _():
    return lines(
        *std_headers(16, "alternative", [
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative;",
            '\tboundary="b1_alt_16"',
        ]),
        "",
        "--b1_alt_16",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Gr=C3=BC=C3=9Fe! This line is long enough that it needs a soft line brea=",
        "k in the middle, and it ends with a space=20",
        "Equals sign: =3D, trailing tab=09",
        "",
        "--b1_alt_16",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "<html><body><p style=3D\"color: red\">Gr=C3=BC=C3=9Fe!</p>=",
        "<p>second paragraph</p></body></html>",
        "",
        "--b1_alt_16--",
    )


@message("17-multipart-nested.eml",
         "mixed containing alternative (plain + html) and a base64 image part")
def _():
    png = bytes(random.Random(17).randrange(256) for _ in range(1200))
    return lines(
        *std_headers(17, "nested multipart", [
            "MIME-Version: 1.0",
            'Content-Type: multipart/mixed; boundary="outer-17"',
        ]),
        "",
        "--outer-17",
        'Content-Type: multipart/alternative; boundary="inner-17"',
        "",
        "--inner-17",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "Plain version.",
        "--inner-17",
        "Content-Type: text/html; charset=us-ascii",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "<p>HTML version with a soft=",
        " break.</p>",
        "--inner-17--",
        "",
        "--outer-17",
        "Content-Type: image/png",
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: inline; filename="pixel.png"',
        "",
        *wrap76(png),
        "--outer-17--",
    )


@message("18-header-name-case.eml",
         "header field names in odd case (FROM, to, SuBjEcT, DATE, message-id)")
def _():
    return lines(
        "FROM: Alice Example <alice@example.org>",
        "to: Bob Example <bob@example.net>",
        "SuBjEcT: odd case names",
        "DATE: Tue, 04 Mar 2025 10:18:00 +0000",
        "message-id: <corpus-18@example.org>",
        "X-MiXeD-CaSe: Value Keeps Its Case",
        "",
        "Signers list names in lower case; matching must ignore case.",
    )


@message("19-empty-header-value.eml",
         "a Subject with an empty value and header fields with empty or blank values")
def _():
    return lines(
        "From: Alice Example <alice@example.org>",
        "To: Bob Example <bob@example.net>",
        "Subject:",
        "Date: Tue, 04 Mar 2025 10:19:00 +0000",
        "Message-ID: <corpus-19@example.org>",
        "X-Empty:",
        "X-Blank:   ",
        "Cc: ",
        "",
        "The Subject field above has no value at all.",
    )


@message("20-dot-and-from-lines.eml",
         "body lines that start with a dot or with 'From ' (SMTP and mbox hazards)")
def _():
    return lines(
        *std_headers(20),
        "",
        "From the start of a line",
        ">From an escaped line",
        ".",
        "..",
        ".hidden dot line",
        "From: not a header",
        ". ",
        "end",
    )


@message("21-large.eml", "a ~200 KB body of varied text lines (some with trailing WSP)")
def _():
    rng = random.Random(21)
    words = ("list mail message header body canonical relaxed simple signature "
             "domain selector key hash verify sign field value tab space").split()
    body = []
    size = 0
    while size < 200_000:
        n = rng.randrange(0, 18)
        text = " ".join(rng.choice(words) for _ in range(n))
        roll = rng.random()
        if roll < 0.05:
            text += " \t"
        elif roll < 0.08:
            text = "\t" + text
        elif roll < 0.10:
            text = text.replace(" ", "   ")
        body.append(text)
        size += len(text) + 2
    return lines(*std_headers(21, "large message"), "", *body)


@message("22-repeated-headers.eml",
         "three Received, two X-Tag, two Comments and a Keywords field (repeats)")
def _():
    return lines(
        "Received: by relay3.example.org; Tue, 04 Mar 2025 10:22:03 +0000",
        "Received: by relay2.example.org; Tue, 04 Mar 2025 10:22:02 +0000",
        "Received: by relay1.example.org; Tue, 04 Mar 2025 10:22:01 +0000",
        *std_headers(22, "repeated fields"),
        "X-Tag: first",
        "Comments: one comment",
        "X-Tag: second",
        "Comments: another comment",
        "Keywords: dkim, interop",
        "",
        "Repeated header fields are signed bottom-up (RFC 6376 section 5.4.2).",
    )


@message("23-trailing-blank-lines.eml", "text followed by ten empty lines")
def _():
    return lines(*std_headers(23), "", "some text", *([""] * 10))


@message("24-leading-blank-lines.eml",
         "body that starts with empty lines and lines indented by tabs and spaces")
def _():
    return lines(
        *std_headers(24),
        "",
        "",
        "",
        "\tindented by a tab",
        "    indented by four spaces",
        " \t mixed indent",
        "not indented",
    )


@message("25-existing-signature.eml",
         "already carries a foreign DKIM-Signature and an Authentication-Results field")
def _():
    return lines(
        "Authentication-Results: mx.example.net; dkim=pass header.d=foreign.example",
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=foreign.example;",
        "\ts=gone; t=1741082400; h=from:to:subject;",
        "\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;",
        "\tb=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "\t AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        *std_headers(25, "already signed elsewhere"),
        "",
        "An older signature whose key does not exist in DNS.",
    )


@message("26-long-references.eml",
         "References field of 20 ids folded over many lines, plus In-Reply-To")
def _():
    ids = ["<thread-%03d.%d@lists.example.org>" % (i, 1000 + i * 37) for i in range(20)]
    refs = ["References: " + ids[0]] + [" " + i for i in ids[1:]]
    return lines(
        *std_headers(26, "Re: a long thread", ["In-Reply-To: " + ids[-1], *refs]),
        "",
        "Reply deep in a thread.",
    )


@message("27-utf8-long-lines.eml", "8-bit UTF-8 lines of about 980 octets of multibyte text")
def _():
    unit = "Ünïcödé ✓ 日本 "
    line = ""
    while len((line + unit).encode()) <= 980:
        line += unit
    return lines(
        *std_headers(27, "long utf-8 lines", [
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ]),
        "",
        line,
        line.rstrip(),
        line[::-1],
    )


@message("28-colon-spacing.eml",
         "no space after the colon, a tab after it, colons inside values")
def _():
    return lines(
        "From:alice@example.org",
        "To:\tbob@example.net",
        "Subject:Re: re: a: b::c",
        "Date: Tue, 04 Mar 2025 10:28:00 +0000",
        "Message-ID:<corpus-28@example.org>",
        "Cc:   carol@example.net   ",
        "X-Colons: a:b::c:",
        "",
        "Colon spacing variants above.",
    )


@message("29-wsp-only-no-final-crlf.eml",
         "a body that is only a space and a tab, without a final CRLF")
def _():
    return lines(*std_headers(29, "whitespace body, no CRLF"), "", " \t",
                 final_crlf=False)


@message("30-fold-edges.eml",
         "value starting on a continuation line, multi-tab folds, fold inside a display name")
def _():
    return lines(
        "From: Alice",
        "\t\tExample <alice@example.org>",
        "To:",
        " Bob Example <bob@example.net>",
        "Subject:",
        "\tvalue that starts on the next line",
        "Date: Tue, 04 Mar 2025 10:30:00",
        "   +0000",
        "Message-ID: <corpus-30@example.org>",
        "X-Folded: a",
        " \t \tb",
        "\t c",
        "",
        "Folding edge cases above.",
    )


@message("31-internal-blank-lines.eml",
         "paragraphs separated by several empty and whitespace-only lines")
def _():
    return lines(
        *std_headers(31),
        "",
        "paragraph one",
        "",
        "",
        "",
        "paragraph two",
        "  ",
        "",
        "\t",
        "paragraph three",
    )


@message("32-html-only-qp.eml", "a single text/html part, quoted-printable with long source lines")
def _():
    return lines(
        *std_headers(32, "html only", [
            "MIME-Version: 1.0",
            "Content-Type: text/html; charset=iso-8859-1",
            "Content-Transfer-Encoding: quoted-printable",
        ]),
        "",
        "<!DOCTYPE html><html><head><meta charset=3D\"iso-8859-1\"></head><body>=",
        "<table width=3D\"100%\" cellpadding=3D\"0\"><tr><td>Caf=E9 cr=E8me br=FBl=",
        "=E9e</td></tr></table>   ",
        "</body></html>",
    )


@message("33-mime-params.eml",
         "folded MIME parameters and an RFC 2231 encoded filename")
def _():
    data = b"hello attachment\n" * 10
    return lines(
        *std_headers(33, "rfc 2231 filename", [
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed;",
            " boundary=\"----=_Part_33_1234.5678\";",
            " charset=\"us-ascii\"",
        ]),
        "",
        "------=_Part_33_1234.5678",
        "Content-Type: text/plain",
        "",
        "See attachment.",
        "------=_Part_33_1234.5678",
        "Content-Type: text/plain;",
        " name*=utf-8''%C3%BCbersicht.txt",
        "Content-Disposition: attachment;",
        " filename*0*=utf-8''%C3%BCber;",
        " filename*1*=sicht.txt",
        "Content-Transfer-Encoding: base64",
        "",
        *wrap76(data),
        "------=_Part_33_1234.5678--",
    )


@message("34-one-char-no-crlf.eml", "a body of a single character without CRLF")
def _():
    return lines(*std_headers(34, "x"), "", "x", final_crlf=False)


def readme():
    """README.md text: one line per corpus file."""
    out = [
        "# DKIM interop corpus",
        "",
        "Messages signed and verified by listctl, dkimpy and Mail::DKIM in",
        "`../run_interop.py`. All use CRLF line ends and lines of at most 998",
        "octets. `make_corpus.py` writes them byte for byte (trailing",
        "whitespace and missing final CRLFs are invisible in an editor); edit",
        "it, not the .eml files, and rerun it.",
        "",
        "| file | exercises |",
        "|---|---|",
    ]
    for name, (_, about) in sorted(MESSAGES.items()):
        out.append("| `%s` | %s |" % (name, about))
    out += [
        "",
        "The bodies without a final CRLF (08, 29, 34) meet two known peer",
        "deviations from RFC 6376: Mail::DKIM does not add the missing CRLF",
        "under simple body canonicalization (section 3.4.3), and dkimpy keeps",
        "the trailing whitespace of such a last line under relaxed (section",
        "3.4.4). The driver skips only the checks that would need the",
        "deviating peer to agree, and lists them.",
    ]
    return "\n".join(out) + "\n"


def main():
    for name in os.listdir(HERE):
        if name.endswith(".eml") and name not in MESSAGES:
            os.unlink(os.path.join(HERE, name))
    for name, (data, _) in MESSAGES.items():
        for line in data.split(b"\r\n"):
            assert b"\n" not in line and b"\r" not in line, name
            assert len(line) <= 998, (name, len(line))
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
    with open(os.path.join(HERE, "README.md"), "w") as f:
        f.write(readme())


if __name__ == "__main__":
    main()
