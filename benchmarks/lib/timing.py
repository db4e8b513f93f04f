"""Reading `/usr/bin/time -v` output, shared by the benchmarks' report scripts."""


def parse_time(path):
    """Wall seconds, CPU seconds and peak RSS (MiB) from /usr/bin/time -v output."""
    fields = dict(line.strip().rsplit(": ", 1) for line in open(path) if ": " in line)
    *hm, s = fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
    wall = float(s) + 60 * int(hm[-1]) + (3600 * int(hm[0]) if len(hm) == 2 else 0)
    cpu = float(fields["User time (seconds)"]) + float(fields["System time (seconds)"])
    return {"wall": wall, "cpu": cpu, "rss": int(fields["Maximum resident set size (kbytes)"]) / 1024}
