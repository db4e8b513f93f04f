#!/usr/bin/env python3
"""Lists every public or open type declaration in Sources/ that has no `///` doc comment
above it (attributes such as @propertyWrapper may stand between); exits 1 if there is one.
Part of `make test`'s lint stage."""
import pathlib
import re
import sys

DECLARATION = re.compile(r"^\s*(?:public|open)\s+(?:final\s+)?(?:struct|class|enum|protocol|actor|typealias)\s+(\w+)")
root = pathlib.Path(__file__).resolve().parent.parent
missing = []
for path in sorted((root / "Sources").rglob("*.swift")):
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        match = DECLARATION.match(line)
        if not match:
            continue
        above = number - 1
        while above >= 0 and lines[above].strip().startswith("@"):
            above -= 1
        if above < 0 or not lines[above].strip().startswith("///"):
            missing.append(f"{path.relative_to(root)}:{number + 1}: public type {match.group(1)} has no doc comment")
print("\n".join(missing) if missing else "every public type has a doc comment")
sys.exit(1 if missing else 0)
