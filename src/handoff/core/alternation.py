"""Regex alternations of literal words, factored as a trie so that matching them stays cheap."""

from __future__ import annotations

import re


def alternation(words) -> str:
    """A regex matching exactly `words`, longest first, each escaped.

    Built as a trie ("t(?:en|w(?:elve|o))") so that the regex engine tries one branch per
    character instead of every word at every position; at each node the longer words come
    first, so the match is the one the flat longest-first alternation would find.
    """
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie(root)


def _trie(node: dict) -> str:
    branches = [re.escape(char) + _trie(node[char]) for char in sorted(node) if char]
    if not branches:
        return ""
    body = f"(?:{'|'.join(branches)})" if len(branches) > 1 else branches[0]
    if "" not in node:
        return body
    return f"{body}?" if len(branches) > 1 or len(body) == 1 else f"(?:{body})?"
