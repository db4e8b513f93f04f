"""Small helpers shared by the golden generators: compact, diff-friendly JSON."""
import json


def rounded(values, digits=8):
    """float32 values -> Python floats with `digits` significant digits."""
    return [float("%.*g" % (digits, float(v))) for v in values]


def _enc(obj, indent, level):
    pad = " " * (indent * (level + 1))
    end = " " * (indent * level)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = ["%s%s: %s" % (pad, json.dumps(k, ensure_ascii=False), _enc(v, indent, level + 1))
                 for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(obj, list):
        num = (int, float)
        if all(isinstance(v, num) for v in obj) or all(
                isinstance(v, list) and all(isinstance(x, num) for x in v) for v in obj):
            # numbers, or a list of number lists: one line
            return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        return "[\n" + ",\n".join(pad + _enc(v, indent, level + 1) for v in obj) + "\n" + end + "]"
    return json.dumps(obj, ensure_ascii=False)


def dump_fixture(path, obj, indent=1):
    with open(path, "w", encoding="utf-8") as f:
        f.write(_enc(obj, indent, 0))
        f.write("\n")
