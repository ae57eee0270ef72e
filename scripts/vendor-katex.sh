#!/usr/bin/env bash
# Vendor KaTeX's CSS and fonts from the npm package, matching the KaTeX release katex-rs tracks
# (mdbook-math renders with it; the CSS must come from the same release).
#
#   scripts/vendor-katex.sh          # (re)write theme/katex/ and book/theme/katex/fonts/
#   scripts/vendor-katex.sh --check  # fail if the committed files differ from the package
#
# Why two folders: mdBook copies a stylesheet named in `additional-css` to the same relative path
# under the output (theme/katex/katex-<hash>.min.css with hash-files), but copies other files only
# from the book's source folder. Fonts in book/theme/katex/fonts/ land in <out>/theme/katex/fonts/,
# so KaTeX's own relative url(fonts/…) keeps working unchanged. Only the woff2 fonts are kept (every
# browser that runs the book reads woff2), so the woff/ttf fallbacks are removed from the CSS.
set -euo pipefail

VERSION=0.18.5
SHASUM=13397ff582d170424fa9e01cd1c5cf5b3da9e5f3 # npm's dist.shasum for katex@0.18.5
ROOT=$(cd "$(dirname "$0")/.." && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "katex@$VERSION" >/dev/null)
tgz="$work/katex-$VERSION.tgz"
echo "$SHASUM  $tgz" | sha1sum --check --quiet
tar xzf "$tgz" -C "$work"
pkg="$work/package"

out="$work/out"
mkdir -p "$out/theme/katex" "$out/book/theme/katex/fonts"
cp "$pkg/LICENSE" "$out/theme/katex/LICENSE"
cp "$pkg/LICENSE" "$out/book/theme/katex/fonts/LICENSE"
cp "$pkg"/dist/fonts/*.woff2 "$out/book/theme/katex/fonts/"
{
  echo "/* KaTeX $VERSION dist/katex.min.css (MIT, see LICENSE), woff2 sources only: scripts/vendor-katex.sh */"
  sed -E 's#,url\(fonts/[A-Za-z0-9_-]+\.woff\) format\("woff"\),url\(fonts/[A-Za-z0-9_-]+\.ttf\) format\("truetype"\)##g' \
    "$pkg/dist/katex.min.css"
} >"$out/theme/katex/katex.min.css"

if grep -Eq 'url\([^)]*\.(woff|ttf)\)' "$out/theme/katex/katex.min.css"; then
  echo "vendor-katex: the CSS still names woff/ttf fonts; the sed pattern needs updating" >&2
  exit 1
fi

if [[ "${1:-}" == "--check" ]]; then
  diff -r "$out/theme/katex" "$ROOT/theme/katex" --exclude=README.md
  diff -r "$out/book/theme/katex/fonts" "$ROOT/book/theme/katex/fonts"
  echo "vendor-katex: committed KaTeX $VERSION assets match the npm package"
else
  mkdir -p "$ROOT/theme/katex" "$ROOT/book/theme/katex/fonts"
  cp "$out"/theme/katex/* "$ROOT/theme/katex/"
  rm -f "$ROOT"/book/theme/katex/fonts/*
  cp "$out"/book/theme/katex/fonts/* "$ROOT/book/theme/katex/fonts/"
  echo "vendor-katex: wrote KaTeX $VERSION CSS to theme/katex/ and fonts to book/theme/katex/fonts/"
fi
