"""README's Configuration table and `restock serve --help` describe the same settings: every
flag of one is in the other, with the same environment variable and the same default. (The
shell examples of README.md and docs/ are run by scripts/docs-run.)"""

from __future__ import annotations

import re
from pathlib import Path

from harness import REPO_ROOT

ROW = re.compile(r"^\| `(--[a-z0-9-]+)` \| `(RESTOCK_[A-Z0-9_]+)` \| ([^|]*) \|")
HELP_FLAG = re.compile(r"^\s+(--[a-z0-9-]+)\b(.*)$")


def readme_settings() -> dict[str, tuple[str, str]]:
    text = (Path(REPO_ROOT) / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Configuration"):]
    section = section[:section.index("\n## ", 5)]
    rows = {}
    for line in section.splitlines():
        m = ROW.match(line)
        if m:
            rows[m.group(1)] = (m.group(2), m.group(3).strip().strip("`"))
    return rows


def help_settings(cli) -> dict[str, tuple[str, str]]:
    r = cli.run("serve", "--help", db=False)
    assert r.rc == 0, r.describe()
    found = {}
    for line in r.stdout.splitlines():
        m = HELP_FLAG.match(line)
        if not m or m.group(1) == "--help":
            continue
        rest = m.group(2)
        env = re.search(r"\(Env:(\w+)\)", rest)
        # CLI11 writes "--flag TYPE[:CHECKS]=DEFAULT (Env:NAME)"; booleans as 1 / 0.
        default = re.search(r"=(\S+)\s+\(Env:", rest)
        value = default.group(1) if default else "(none)"
        if rest.lstrip().startswith("BOOLEAN"):
            value = {"1": "true", "0": "false"}.get(value, value)
        found[m.group(1)] = (env.group(1) if env else "", value)
    return found


def normalise(default: str) -> str:
    return {"true": "true", "false": "false", "": "(none)"}.get(default.lower(), default)


def test_readme_configuration_table_matches_serve_help(cli):
    readme, helped = readme_settings(), help_settings(cli)
    assert sorted(readme) == sorted(helped), (
        f"only in README: {sorted(set(readme) - set(helped))}; "
        f"only in serve --help: {sorted(set(helped) - set(readme))}")
    for flag, (env, default) in helped.items():
        assert readme[flag][0] == env, (flag, readme[flag], env)
        assert normalise(readme[flag][1]) == normalise(default), (flag, readme[flag], default)
