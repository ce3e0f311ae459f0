#!/usr/bin/env bash
# Re-vendor the web console's JavaScript libraries (make vendor-console): pinned npm packages,
# fetched with `npm pack`, checked against the registry's integrity, unpacked into console/vendor/
# with their licences. Only ES-module files are kept; console/index.html maps bare imports to them.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=console/vendor
# package@version  files-to-keep (relative to the package root)
PACKAGES=(
  "preact@10.29.8 dist/preact.module.js hooks/dist/hooks.module.js LICENSE"
  "htm@3.1.1 dist/htm.module.js LICENSE"
  "chart.js@4.5.1 dist/chart.js dist/chunks/helpers.dataset.js LICENSE.md"
  "@kurkle/color@0.3.4 dist/color.esm.js LICENSE.md"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$VENDOR"
mkdir -p "$VENDOR"
{
  echo "# Vendored by scripts/vendor_console.sh (make vendor-console). Do not edit these files by hand."
  echo "# package version integrity(sha512, npm registry) licence"
} > "$VENDOR/VERSIONS"
for entry in "${PACKAGES[@]}"; do
  read -r spec files <<<"$entry"
  name=${spec%@*}
  version=${spec##*@}
  integrity=$(npm view "$spec" dist.integrity)
  licence=$(npm view "$spec" license)
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  tarball="$work/$(echo "${name#@}" | tr / -)-$version.tgz"
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [[ "$actual" != "$integrity" ]]; then
    echo "integrity mismatch for $spec: registry $integrity, tarball $actual" >&2
    exit 1
  fi
  dest="$VENDOR/$name"
  mkdir -p "$dest" "$work/x-$version"
  tar xzf "$tarball" -C "$work/x-$version"
  for file in $files; do
    mkdir -p "$dest/$(dirname "$file")"
    cp "$work/x-$version/package/$file" "$dest/$file"
  done
  echo "$name $version $integrity $licence" >> "$VENDOR/VERSIONS"
  rm -rf "$work/x-$version"
done
echo "vendored into $VENDOR:"
cat "$VENDOR/VERSIONS"
