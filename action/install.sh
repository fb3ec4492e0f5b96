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
