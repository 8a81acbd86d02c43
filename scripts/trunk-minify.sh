#!/usr/bin/env bash
# Trunk post_build hook (see Trunk.toml): in release builds, minifies the JS
# glue that wasm-bindgen writes, the page's own scripts (the early reads and
# the start-up) and the app's CSS with esbuild, which scripts/setup.sh
# installs, and gives each file's <link> or <script> (trunk's
# modulepreload, stylesheet and script tags) the minified file's
# subresource integrity.
# trunk's own `minify` is off (see Trunk.toml). The files keep trunk's
# names: their hashes are of the unminified files, which change whenever
# the minified ones do.
set -euo pipefail

staging="${TRUNK_STAGING_DIR:?run this as a trunk post_build hook}"
if [ "${TRUNK_PROFILE:-}" != "release" ]; then
  exit 0
fi
tools="${CLIENTELE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/clientele}"
esbuild="$tools/esbuild/node_modules/.bin/esbuild"
if [ ! -x "$esbuild" ]; then
  echo "trunk-minify: no esbuild at $esbuild; run \`make setup\` first" >&2
  exit 1
fi

shopt -s nullglob
# minify GLOB [esbuild options…]: the one file matching GLOB in the staging
# folder, minified in place, and its <link>'s integrity updated.
minify() {
  local pattern="$1"
  shift
  local found=("$staging"/$pattern)
  if [ "${#found[@]}" -ne 1 ]; then
    echo "trunk-minify: expected one $pattern in $staging, found ${#found[@]}" >&2
    exit 1
  fi
  local file="${found[0]}"
  local before after
  before=$(stat -c %s "$file")
  "$esbuild" "$file" --minify "$@" --log-level=warning --outfile="$file.min" --allow-overwrite
  mv "$file.min" "$file"
  after=$(stat -c %s "$file")
  perl -0777 -Mstrict -Mwarnings -MDigest::SHA=sha384_base64 -e '
      my ($html_file, $file) = @ARGV;
      my ($name) = $file =~ m{([^/]+)$};
      open(my $in, "<:raw", $file) or die "trunk-minify: $file: $!\n";
      my $code = <$in>;
      close $in;
      my $integrity = "sha384-" . sha384_base64($code);
      open($in, "<:raw", $html_file) or die "trunk-minify: $html_file: $!\n";
      my $html = <$in>;
      close $in;
      # Every <link> or <script> to the file gets the minified file'"'"'s
      # integrity, quoted or not as trunk wrote it.
      my $links = ($html =~ s{(<(?:link|script)\b[^>]*\Q$name\E[^>]*>)}{
          (my $tag = $1) =~ s{\bintegrity=("?)sha384-[A-Za-z0-9+/=]+}{integrity=$1$integrity};
          $tag
      }ge);
      die "trunk-minify: no <link> or <script> to $name in $html_file\n" unless $links;
      open(my $out, ">:raw", $html_file) or die "trunk-minify: $html_file: $!\n";
      print $out $html;
      close $out;
  ' "$staging/index.html" "$file"
  echo "trunk-minify: $(basename "$file") $before → $after bytes"
}

minify 'clientele-app-*.js' --format=esm --target=es2020
minify 'early-reads-*.js' --format=esm --target=es2020
# The start-up awaits at its top level, which came with ES2022.
minify 'start-*.js' --format=esm --target=es2022
minify 'main-*.css'
