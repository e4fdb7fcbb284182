#!/usr/bin/env python3
"""Writes tests/fixtures/tokenizer_cases.json: the expected tokens of tricky captions, produced by NLTK.

The reference is NLTK 3.8's NLTKWordTokenizer (the word tokenizer behind nltk.word_tokenize), applied
to each sentence of the lower-cased caption. word_tokenize itself first splits sentences with the
Punkt model, which is not available offline, so this script splits sentences with the same rule as
models/scan/data/sentence_split.cpp (written independently here, so the test also checks that the
two implementations of the rule agree):
  a period, optionally followed by closing quotes/brackets, then whitespace and another token, ends
  a sentence, unless the word before it ends with "..", is a known abbreviation (whole or after its
  last hyphen), or is a single-letter initial or a number followed by a word starting with an ASCII
  lower-case letter or by one of ; : , . ! ?
Lower-casing is ASCII-only, as in the original (Python 2 str.lower() on the undecoded bytes).

For each real caption file of tests/data/real it also records the caption count, the token count
and a 64-bit FNV-1a hash of all tokens (one caption per line, tokens joined by single spaces), so the
C++ tokenizer can be checked against NLTK over every real caption without storing them.

Usage (needs python3-nltk 3.8): python3 tests/models/scan/data/make_tokenizer_cases.py
"""
import json
import os
import re
import sys

import nltk
from nltk.tokenize import NLTKWordTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
REAL_DATA = os.path.join(REPO, "tests", "data", "real")
OUTPUT = os.path.join(REPO, "tests", "fixtures", "tokenizer_cases.json")

ABBREVIATIONS = {
    "dr", "mr", "mrs", "ms", "st", "jr", "sr", "mt", "ave", "blvd", "vs", "inc", "co", "corp", "ltd",
    "u.s", "u.k", "u.n", "d.c", "l.a", "n.y", "a.m", "p.m", "e.g", "i.e", "j.p",
}
CLOSERS = "\"')]}"
WORD_START_EXCLUDED = "(\"`{[:;&#*@)}]-,"
NUMBER = re.compile(r"-?[\.,]?[0-9][0-9,\.-]*\.?")
INITIAL = re.compile(r"[^\W\d]")

CASES = [
    'A man says "hello" to the dog.',
    '"Stop" sign on the corner.',
    "The sign reads ''Welcome'' in red.",
    "A dog's toy and the dogs' bowls.",
    "I don't know, it's a cat's toy.",
    "They're sure we'll win; you've seen it, I'm told, he'd go.",
    "He cannot go, gonna wanna gotta gimme lemme.",
    "'Tis the season, 'twas the night.",
    "A well-known mother-in-law wears a t-shirt.",
    "A blue/white bus and/or a car.",
    "A man (wearing a hat) stands [left] near {braces} <angle>.",
    "The U.S. flag flies over the St. Louis arch.",
    "Dr. Smith and Mr. Jones meet Mrs. Brown on Main St.",
    "A woman walks. A dog runs.",
    "A baseball game.. with people watching",
    "A cat... sitting on a mat...",
    "The price is $3.50 for 1,000 items at 3.5 percent.",
    "Fish & chips at the 7-11 store #5 @ noon, 50% off.",
    "What is this? A cat! Yes.",
    "A caf\u00e9 in Paris with cr\u00e8me br\u00fbl\u00e9e.",
    "Trailing spaces after this caption   ",
    "A man -- in a suit -- walks---away.",
    "A letter A. on a sign.",
    "Time is 10:30, ratio 3:2, list: apples,pears.",
    '"Quoted text," she said, "is here."',
    'A sign that says " know what this is ? "',
    'A crowd near a shack labeled " Green Jungle . "',
    "A TV on a t.v. stand near the T.V.",
    "A rock 'n' roll band plays.",
    "A man's car's door is open.",
    "Dogs' bowls and the boys'",
    "A 'single' quoted word and 'a' letter.",
    "He said 'hello there' loudly.",
    "An *asterisk* and 5*3 and **bold**.",
    "D'ye know more'n that?",
    "A smiley :) and a frown :-( face",
    'A "quote"in the middle"',
    "Numbers 1. 2. and 3. in a list.",
    "Item no. 5 of 10 on Baker St. today.",
    "A caption ending with a comma,",
    "A caption ending with a colon:",
    "Mid.period.text and e.g. examples i.e. these.",
    'A sign reads: "Don\'t Walk".',
    "\u201cCurly quotes\u201d and \u2018single curly\u2019 ones.",
    "\u00abGuillemets\u00bb here.",
    "\u201eLow quote\u201c there.",
    "He\u2019s here and it\u2019s fine.",
    "Multiple   spaces\tand a tab.",
    "An ellipsis at the end...",
    "It ends with a question?",
    "Backticks ``like this'' and `one`.",
    "People at a J.P. Morgan corporate challenge.",
    "Washington D.C. at night.",
    "A 1950s car on 30th St., near 4th Ave. and W. Division St.",
    "A man with a can, not a bottle, cannot open it.",
    "Wanna go? We wanna",
    "A sign saying 'Stop!' in red.",
    "O'Neill walks past o'clock shops at 5 p.m. today.",
    "Prices: \u00a35 and \u20ac10 and \u00a520.",
    "Dashes \u2013 en and \u2014 em.",
    "An emoji \U0001F600 face.",
    'A "B" C.',
    "The temperature is -5.5 degrees.",
    "The dog.The cat.",
    "A. Smith paints a mural.",
    "He is 6'2\" tall.",
    'Shorts which say " P.I.N.K. " on the back.',
    'A sign ( "OPEN." ) in a window. A door.',
    "The end. ) Then more.",
    'He said "Stop." "Go." Then left.',
    "A man's \"favorite\" hat (red).",
    "A young baseball player getting ready to bat. ,",
    "A boat named after author J.R. Tolkien.",
    "The lady wears a shirt (it's blue.) and jeans.",
    "A sign that says \"STOP.\" Then a car.",
    "Many dogs!! Running fast?!",
    "A kid and a dog..",
]


def ascii_lower(text):
    return "".join(c.lower() if c.isascii() else c for c in text)


def is_break(word, next_token):
    if word.endswith(".."):
        return False
    kind = word[:-1]
    if kind in ABBREVIATIONS or kind.split("-")[-1] in ABBREVIATIONS:
        return False
    if INITIAL.fullmatch(kind) or NUMBER.fullmatch(word):
        first = next_token[0]
        if (first.isascii() and first.islower()) or first in ";:," or next_token in (".", "!", "?"):
            return False
    return True


REALIGNMENT = re.compile(r"[\"\')\]}]+?(?:\s+|(?=--)|$)")


def realign(text, spans):
    """Punkt's _realign_boundaries: closing quotes or brackets that begin a sentence (followed by
    whitespace, "--" or the end) belong to the sentence before it."""
    out, shift = [], 0
    for i, (begin, end) in enumerate(spans):
        begin += shift
        shift = 0
        if i + 1 < len(spans):
            m = REALIGNMENT.match(text, spans[i + 1][0])
            if m:
                end = spans[i + 1][0] + len(m.group(0).rstrip())
                shift = m.end() - spans[i + 1][0]
        if text[begin:end]:
            out.append(text[begin:end])
    return out


def split_sentences(text):
    spans, start, n = [], 0, len(text)
    for p, ch in enumerate(text):
        if ch != ".":
            continue
        q = p + 1
        while q < n and text[q] in CLOSERS:
            q += 1
        if q == n or not text[q].isspace():
            continue
        k = q
        while k < n and text[k].isspace():
            k += 1
        if k == n:
            continue
        chunk_start = p
        while chunk_start > start and not text[chunk_start - 1].isspace():
            chunk_start -= 1
        word = text[chunk_start:p + 1].lstrip(WORD_START_EXCLUDED)
        next_token = text[k:].split()[0]
        if is_break(word, next_token):
            spans.append((start, q))
            start = k
    if text[start:].strip():
        spans.append((start, n))
    return realign(text, spans)


def tokenize(text, word_tokenizer):
    sentences = split_sentences(ascii_lower(text))
    per_sentence = [word_tokenizer.tokenize(s) for s in sentences]
    return sentences, per_sentence, [t for tokens in per_sentence for t in tokens]


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def real_file_summaries(word_tokenizer):
    summaries = {}
    root = REAL_DATA
    for folder in ("f30k_precomp", "coco_precomp"):
        for name in sorted(os.listdir(os.path.join(root, folder))):
            if not name.endswith("_caps.txt"):
                continue
            with open(os.path.join(root, folder, name), "rb") as f:
                lines = [line.strip() for line in f.read().split(b"\n")]
            if lines and lines[-1] == b"":
                lines.pop()
            text = "".join(" ".join(tokenize(line.decode("utf-8"), word_tokenizer)[2]) + "\n" for line in lines)
            summaries[folder + "/" + name] = {
                "captions": len(lines),
                "tokens": sum(len(line.split()) for line in text.splitlines()),
                "fnv1a64": "%016x" % fnv1a64(text.encode("utf-8")),
            }
    return summaries


def main():
    word_tokenizer = NLTKWordTokenizer()
    cases = []
    for text in CASES:
        sentences, per_sentence, tokens = tokenize(text, word_tokenizer)
        cases.append({"text": text, "sentences": sentences, "sentence_tokens": per_sentence, "tokens": tokens})
    fixture = {
        "generator": "tests/models/scan/data/make_tokenizer_cases.py",
        "nltk_version": nltk.__version__,
        "reference": "NLTKWordTokenizer().tokenize per sentence of the ASCII-lower-cased caption",
        "cases": cases,
        "real_files": real_file_summaries(word_tokenizer),
    }
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote %d cases to %s" % (len(cases), OUTPUT), file=sys.stderr)


if __name__ == "__main__":
    main()
