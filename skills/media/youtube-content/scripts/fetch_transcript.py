#!/usr/bin/env python3
"""Fetch the transcript of one YouTube video with youtube-transcript-api (1.x).

Usage:
    python fetch_transcript.py URL_OR_ID [--languages en de] [--timestamps] [--json] [--list]

Prints plain text by default, "[mm:ss] text" lines with --timestamps, or a JSON document
(video id, language, whether captions are auto-generated, snippets) with --json.
Exit codes: 0 ok, 2 bad input, 3 no transcript available, 4 request blocked or failed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from urllib.parse import parse_qs, urlparse

from youtube_transcript_api import (
    CouldNotRetrieveTranscript,
    NoTranscriptFound,
    RequestBlocked,
    TranscriptsDisabled,
    YouTubeTranscriptApi,
)

_ID_RE = re.compile(r"^[A-Za-z0-9_-]{11}$")


def video_id_from(value: str) -> str:
    """Accept a bare 11-character ID or any common YouTube URL form."""
    value = value.strip()
    if _ID_RE.match(value):
        return value
    url = urlparse(value if "://" in value else "https://" + value)
    host = (url.hostname or "").lower()
    if host.endswith("youtu.be"):
        candidate = url.path.lstrip("/").split("/")[0]
    elif "youtube" in host:
        query = parse_qs(url.query)
        if "v" in query:
            candidate = query["v"][0]
        else:
            # /shorts/ID, /embed/ID, /live/ID, /v/ID
            parts = [p for p in url.path.split("/") if p]
            candidate = parts[1] if len(parts) >= 2 else ""
    else:
        candidate = ""
    if not _ID_RE.match(candidate):
        raise ValueError(f"cannot find a video ID in {value!r}")
    return candidate


def stamp(seconds: float) -> str:
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", help="YouTube URL or 11-character video ID")
    parser.add_argument("--languages", nargs="+", default=["en"],
                        help="language codes in order of preference (default: en)")
    parser.add_argument("--timestamps", action="store_true", help="prefix lines with [mm:ss]")
    parser.add_argument("--json", action="store_true", help="print a JSON document")
    parser.add_argument("--list", action="store_true", help="list available transcripts and exit")
    args = parser.parse_args(argv)

    try:
        vid = video_id_from(args.video)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    api = YouTubeTranscriptApi()  # not thread-safe: make one per thread
    try:
        if args.list:
            for tr in api.list(vid):
                kind = "auto-generated" if tr.is_generated else "manual"
                print(f"{tr.language_code}\t{kind}\t{tr.language}")
            return 0
        fetched = api.fetch(vid, languages=args.languages)
    except (TranscriptsDisabled, NoTranscriptFound) as exc:
        print(f"no transcript: {type(exc).__name__}", file=sys.stderr)
        return 3
    except RequestBlocked:
        print("YouTube blocked the request (common from cloud IPs); see the proxy section",
              "of the youtube-transcript-api README", file=sys.stderr)
        return 4
    except CouldNotRetrieveTranscript as exc:
        print(f"failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 4

    if args.json:
        doc = {
            "video_id": fetched.video_id,
            "language": fetched.language,
            "language_code": fetched.language_code,
            "is_generated": fetched.is_generated,
            "snippets": fetched.to_raw_data(),
        }
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif args.timestamps:
        for snip in fetched:
            print(f"[{stamp(snip.start)}] {snip.text}")
    else:
        print(" ".join(snip.text.replace("\n", " ") for snip in fetched))
    return 0


if __name__ == "__main__":
    sys.exit(main())
