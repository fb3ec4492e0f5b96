#!/usr/bin/env bash
# The steps of the guidekit GitHub Action (action.yml), with guidekit on PATH.
#
# Inputs come as environment variables: GUIDEKIT_ROOT, GUIDEKIT_STEPS, GUIDEKIT_CHECK_FAIL_ON,
# GUIDEKIT_DIFF_FAIL_ON, GUIDEKIT_SARIF, GUIDEKIT_CACHE ("false": no cache) with
# GUIDEKIT_CACHE_DIR (where check keeps its cache: the folder action.yml restores and saves;
# default .guidekit-cache in the workspace). Every step runs even when one before it failed, so a
# pull request sees all its problems at once; the exit status is the worst of the steps
# (1: findings, a failed case, a formatting change or a diff gate; 2: a usage error).
# Findings go to standard output as workflow annotations; on a pull request the diff against
# the base branch goes to the job summary ($GITHUB_STEP_SUMMARY).
set -uo pipefail

root="${GUIDEKIT_ROOT:-.}"
check_fail_on="${GUIDEKIT_CHECK_FAIL_ON:-error}"
diff_fail_on="${GUIDEKIT_DIFF_FAIL_ON-breaking}"  # empty: no gate
steps=" ${GUIDEKIT_STEPS:-check test fmt diff} "
steps="${steps//,/ }"
status=0

cache=()
if [[ "${GUIDEKIT_CACHE:-true}" == true ]]; then
    export GUIDEKIT_CACHE_DIR="${GUIDEKIT_CACHE_DIR:-${GITHUB_WORKSPACE:-$PWD}/.guidekit-cache}"
else
    unset GUIDEKIT_CACHE_DIR
    cache=(--no-cache)
fi

wants() { [[ "$steps" == *" $1 "* ]]; }

step() {
    local name="$1"
    shift
    echo "::group::guidekit $name"
    "$@"
    local rc=$?
    echo "::endgroup::"
    if ((rc > status)); then status=$rc; fi
    if ((rc != 0)); then echo "guidekit $name: exit status $rc" >&2; fi
}

if wants check; then
    step check guidekit check --root "$root" --format github --fail-on "$check_fail_on" "${cache[@]}"
    if [[ -n "${GUIDEKIT_SARIF:-}" ]]; then
        # the same findings for code scanning; the step above already decided the status
        guidekit check --root "$root" --format sarif --output "$GUIDEKIT_SARIF" \
            --fail-on "$check_fail_on" "${cache[@]}" || true
    fi
fi
if wants test; then
    step test guidekit test --root "$root"
fi
if wants fmt; then
    step fmt guidekit fmt --check --root "$root"
fi
if wants diff && [[ "${GITHUB_EVENT_NAME:-}" == pull_request* && -n "${GITHUB_BASE_REF:-}" ]]; then
    base="origin/$GITHUB_BASE_REF"
    git rev-parse --verify --quiet "$base^{commit}" >/dev/null || base="$GITHUB_BASE_REF"
    gates=()
    for impact in ${diff_fail_on//,/ }; do gates+=(--fail-on "$impact"); done
    report="${RUNNER_TEMP:-/tmp}/guidekit-diff.md"
    step diff guidekit diff "$base" HEAD --root "$root" --format markdown --output "$report" "${gates[@]}"
    if [[ -f "$report" ]]; then
        cat "$report" >> "${GITHUB_STEP_SUMMARY:-/dev/stdout}"
    fi
fi
exit "$status"
