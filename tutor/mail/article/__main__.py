"""`python -m tutor.mail.article`: rewrite the shipped article letters from generate()."""

from tutor.mail.article import write

for path in write():
    print(f"wrote {path} ({path.stat().st_size} octets)")
