#!/usr/bin/env bash
# `make docs`: the DocC archives of the library targets (swift-docc-plugin), into
# .build/docs/TARGET.doccarchive. Fails on any DocC warning (a broken symbol link, a
# malformed article) and on any public symbol of ours without a summary line, which DocC
# itself only counts: its coverage file (documentation-coverage.json) is read here.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(BatonCore BatonEnsemble BatonOSC BatonServer)
out=.build/docs
mkdir -p "$out"
command -v jq >/dev/null || { echo "docs: jq is needed to read DocC's coverage file (apt-get install jq)" >&2; exit 1; }

missing=0
for target in "${targets[@]}"; do
    archive="$out/$target.doccarchive"
    rm -rf "$archive"
    # Synthesized symbols (Equatable's !=, protocol defaults) are the standard library's to
    # document, not ours.
    swift package --allow-writing-to-directory "$out" generate-documentation \
        --target "$target" --output-path "$archive" \
        --experimental-skip-synthesized-symbols \
        --warnings-as-errors \
        --experimental-documentation-coverage --coverage-summary-level brief
    coverage="$archive/documentation-coverage.json"
    [ -f "$coverage" ] || { echo "docs: $target: DocC wrote no $coverage" >&2; exit 1; }
    # Every symbol DocC counted (not the module page, articles or DocC's own groups) must
    # have an abstract.
    symbols='.[] | select(.kind.isSymbol == true and .kind.name != "Module")'
    undocumented=$(jq -r "$symbols"' | select(.hasAbstract == false) | "\(.kind.name) \(.title)"' "$coverage")
    total=$(jq "[$symbols] | length" "$coverage")
    if [ -n "$undocumented" ]; then
        count=$(printf '%s\n' "$undocumented" | wc -l)
        echo "docs: $target: $count of $total public symbols have no summary line:" >&2
        printf '  %s\n' "$undocumented" | sort >&2
        missing=$((missing + count))
    else
        echo "docs: $target: all $total public symbols have a summary; archive in $archive"
    fi
done
if [ "$missing" -gt 0 ]; then
    echo "docs: $missing public symbols have no summary line; add a /// line that says what each is for" >&2
    exit 1
fi
