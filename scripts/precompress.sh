#!/usr/bin/env bash
# Writes a brotli (.br) and a gzip (.gz) copy beside each text and wasm file
# of the built app, so the server sends them compressed without compressing
# on every request (tower-http's ServeDir picks one by Accept-Encoding).
#
# Usage: scripts/precompress.sh dist
set -euo pipefail
dist="${1:?usage: $0 dist-folder}"
find "$dist" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' -o -name '*.ico' \) |
while read -r file; do
  brotli --force --quality=11 --keep --output="$file.br" "$file"
  gzip --force --best --keep --no-name "$file"
done
