"""Reports pinned dependencies that have a published security advisory (pip-audit against OSV).

Exit status: 1 when any pinned package has a known advisory; 0 otherwise, including when the
advisory database cannot be reached, in which case it says so plainly, with how many packages
went unchecked. Extra arguments go to pip-audit (the tests use --osv-url and --cache-dir).
Usage: python scripts/audit_dependencies.py [pip-audit options]
"""

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Both files, as installs read them (requirements-dev.txt repeats the runtime pins).
REQUIREMENTS = [REPO / "requirements.txt", REPO / "requirements-dev.txt"]


@dataclass
class Audit:
    advisories: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    checked: int = 0
    error: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.advisories)

    def report(self) -> str:
        if self.error:
            return f"dependency audit: NOT RUN, the advisory database could not be reached ({self.error})."
        lines = [f"dependency audit: {len(self.advisories)} advisory(ies) for pinned packages:"] if self.failed else []
        lines += [f"  {advisory}" for advisory in self.advisories]
        if self.unchecked:
            lines.append(
                f"dependency audit: {len(self.unchecked)} of {self.checked + len(self.unchecked)} pinned packages "
                f"could NOT be checked (advisory database unreachable?): {', '.join(self.unchecked)}"
            )
        if not self.failed and self.checked:
            lines.append(f"dependency audit: no known advisories for {self.checked} pinned packages.")
        return "\n".join(lines)


def interpret(stdout: str, stderr: str) -> Audit:
    """Turn pip-audit's JSON report (or its failure to produce one) into an Audit."""
    try:
        dependencies = json.loads(stdout)["dependencies"]
    except (ValueError, KeyError, TypeError):
        last_line = (stderr.strip().splitlines() or ["pip-audit gave no report"])[-1]
        return Audit(error=last_line[:300])
    audit = Audit()
    for dependency in dependencies:
        name = f"{dependency['name']} {dependency.get('version', '')}".strip()
        if "skip_reason" in dependency:
            audit.unchecked.append(name)
            continue
        audit.checked += 1
        for vuln in dependency.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            ids = " / ".join([vuln["id"], *vuln.get("aliases", [])])
            audit.advisories.append(f"{name}: {ids} (fixed in {fixed})")
    return audit


def run(requirements: list[Path], extra_args: list[str]) -> Audit:
    files = [argument for path in requirements for argument in ("-r", str(path))]
    command = [
        sys.executable, "-m", "pip_audit", *files, "--no-deps", "--disable-pip",
        "--vulnerability-service", "osv", "--format", "json", "--progress-spinner", "off", "--timeout", "15",
        *extra_args,
    ]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=REPO)
    except subprocess.TimeoutExpired:
        return Audit(error="pip-audit did not finish within 10 minutes")
    return interpret(result.stdout, result.stderr)


def main(argv: list[str]) -> int:
    audit = run(REQUIREMENTS, argv)
    print(audit.report(), file=sys.stderr if audit.failed else sys.stdout)
    return 1 if audit.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
