#!/usr/bin/env bash
# One idempotent set-up for Clientele: installs whatever `make run` and
# `make test` need and is missing, and does nothing else. A second run only
# checks, so it finishes in seconds.
set -euo pipefail

TRUNK_VERSION="0.21.14"
# Schemathesis checks the API contract in `make test`, from a virtualenv kept
# outside the clone so that CI's fresh clones reuse it.
SCHEMATHESIS_VERSION="4.32.5"
TOOLS="${CLIENTELE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/clientele}"
# The CLI must equal the `wasm-bindgen` crate pinned in Cargo.toml, or trunk
# tries to download its own copy, which fails without internet.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' "$(dirname "$0")/../Cargo.toml")"
: "${WASM_BINDGEN_VERSION:?could not read the pinned wasm-bindgen version from Cargo.toml}"

say() { printf 'setup: %s\n' "$*"; }

# rust-toolchain.toml names the toolchain and target; RUSTUP_AUTO_INSTALL=0
# means nothing is fetched implicitly, so ask for the target explicitly.
rustup target list --installed | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown
# The standard library's source: the shipped app builds it for size
# (scripts/trunk-release.sh).
rustup component list --installed | grep -q '^rust-src' \
  || rustup component add rust-src

missing_debs=()
command -v chromium >/dev/null || missing_debs+=(chromium)
command -v chromedriver >/dev/null || missing_debs+=(chromium-driver)
command -v npm >/dev/null || missing_debs+=(npm)
command -v curl >/dev/null || missing_debs+=(curl)
command -v brotli >/dev/null || missing_debs+=(brotli)
# The trunk hook that moves the app's start-up script out of index.html.
perl -MDigest::SHA -e1 2>/dev/null || missing_debs+=(perl)
command -v python3 >/dev/null || missing_debs+=(python3)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing_debs+=(python3-venv)
# Extraction: text from PDFs, OCR (English), and HEIC photos converted.
command -v pdftotext >/dev/null || missing_debs+=(poppler-utils)
command -v tesseract >/dev/null || missing_debs+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/eng.traineddata ] \
  || ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata >/dev/null 2>&1 \
  || missing_debs+=(tesseract-ocr-eng)
command -v heif-convert >/dev/null || missing_debs+=(libheif-examples)
# PostgreSQL: `make test-postgres` runs the API suite on a throwaway cluster
# (scripts/postgres.sh); only initdb and pg_ctl are used, no service.
command -v initdb >/dev/null \
  || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  || missing_debs+=(postgresql)
if ((${#missing_debs[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${missing_debs[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_debs[@]}" >/dev/null
  else
    say "missing Debian packages: ${missing_debs[*]}"
    say "install them with: sudo apt-get install ${missing_debs[*]}"
    exit 1
  fi
fi

installed_version() { "$1" --version 2>/dev/null | awk '{print $2}'; }

if [ "$(installed_version wasm-bindgen)" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: one of its locked dependencies is missing from the registry.
  cargo install --quiet --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ "$(installed_version trunk)" != "$TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (takes about 20 minutes, once)"
  cargo install --quiet --locked --force trunk --version "$TRUNK_VERSION"
fi

# wasm-opt from binaryen 132 (npm), pinned: Debian's 108 breaks the module.
# The Makefile puts $TOOLS/binaryen/node_modules/.bin on PATH for trunk.
BINARYEN_VERSION="132.0.0"
if [ "$("$TOOLS/binaryen/node_modules/.bin/wasm-opt" --version 2>/dev/null | awk '{print $3}')" != "${BINARYEN_VERSION%%.*}" ]; then
  say "installing binaryen $BINARYEN_VERSION (wasm-opt) into $TOOLS/binaryen"
  mkdir -p "$TOOLS/binaryen"
  (cd "$TOOLS/binaryen" && npm install --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION")
fi

# esbuild (npm), pinned: minifies the app's JS glue and CSS in release
# builds (see scripts/trunk-minify.sh).
ESBUILD_VERSION="0.28.2"
if [ "$("$TOOLS/esbuild/node_modules/.bin/esbuild" --version 2>/dev/null)" != "$ESBUILD_VERSION" ]; then
  say "installing esbuild $ESBUILD_VERSION into $TOOLS/esbuild"
  mkdir -p "$TOOLS/esbuild"
  (cd "$TOOLS/esbuild" && npm install --no-audit --no-fund --silent "esbuild@$ESBUILD_VERSION")
fi

st="$TOOLS/schemathesis/bin/st"
if [ "$("$st" --version 2>/dev/null | awk '{print $NF}')" != "$SCHEMATHESIS_VERSION" ]; then
  say "installing schemathesis $SCHEMATHESIS_VERSION into $TOOLS/schemathesis"
  rm -rf "$TOOLS/schemathesis"
  mkdir -p "$TOOLS"
  python3 -m venv "$TOOLS/schemathesis"
  "$TOOLS/schemathesis/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==$SCHEMATHESIS_VERSION"
fi

say "ok"
