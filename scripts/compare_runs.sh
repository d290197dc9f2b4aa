# The diff loop of scripts/same_results.sh and scripts/reduce_equivalence.sh, sourced by
# both: run two ssotlint commands on one tree and compare what they print, exit code
# included. Set the arrays `first` and `second` (the command lines), then call
# `compare LABEL DIR` per pair and `finish NAME` at the end.

differences=0

# Run `first` and `second` in DIR; print "same: LABEL (N findings)", or "DIFFERENT: LABEL"
# with the first 40 lines of the diff (first's output as the old side) and count it.
compare() {
    local label="$1" dir="$2" before after findings
    before="$(cd "$dir" && "${first[@]}" 2>&1; echo "exit $?")"
    after="$(cd "$dir" && "${second[@]}" 2>&1; echo "exit $?")"
    findings="$(printf '%s' "$before" | grep -c '"code":' || true)"
    if [ "$before" == "$after" ]; then
        echo "same: $label ($findings findings)"
    else
        differences=$((differences + 1))
        echo "DIFFERENT: $label"
        diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | head -40 || true
    fi
}

# Print the count of differing pairs; exit status 0 when there were none.
finish() {
    echo "$1: $differences difference(s)"
    [ "$differences" -eq 0 ]
}
