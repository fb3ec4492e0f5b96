#!/usr/bin/env bash
# Installs guidekit from the action's checkout (GUIDEKIT_SOURCE) into a virtual environment
# of its own and puts it on PATH for the next steps (action.yml).
set -euo pipefail
venv="${RUNNER_TEMP:-/tmp}/guidekit-venv"
"${GUIDEKIT_PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$GUIDEKIT_SOURCE"
echo "$venv/bin" >> "${GITHUB_PATH:-/dev/null}"
export PATH="$venv/bin:$PATH"
guidekit --version
# the check cache's key (action.yml): guidekit's version and the lockfile it was built against
{
    echo "version=$(guidekit --version | awk '{print $NF}')"
    echo "lock=$("$venv/bin/python" - "$GUIDEKIT_SOURCE" <<'PY'
import hashlib, pathlib, sys
source = pathlib.Path(sys.argv[1])
h = hashlib.sha256()
for name in ("requirements/dev.lock", "pyproject.toml"):
    path = source / name
    h.update(path.read_bytes() if path.is_file() else b"")
print(h.hexdigest()[:16])
PY
)"
} >> "${GITHUB_OUTPUT:-/dev/null}"
