#!/usr/bin/env bash
# Trunk post_build hook (see Trunk.toml): in release builds, minifies the JS
# glue that wasm-bindgen writes (trunk's own `minify` covers index.html and
# the CSS, not this file) with esbuild, which scripts/setup.sh installs, and
# gives the page's <link rel=modulepreload> the minified file's subresource
# integrity. The file keeps trunk's name: its hash is of the unminified
# glue, which changes whenever the minified one does.
set -euo pipefail

staging="${TRUNK_STAGING_DIR:?run this as a trunk post_build hook}"
if [ "${TRUNK_PROFILE:-}" != "release" ]; then
  exit 0
fi
tools="${CLIENTELE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/clientele}"
esbuild="$tools/esbuild/node_modules/.bin/esbuild"
if [ ! -x "$esbuild" ]; then
  echo "trunk-minify-js: no esbuild at $esbuild; run \`make setup\` first" >&2
  exit 1
fi

shopt -s nullglob
glue=("$staging"/clientele-app-*.js)
if [ "${#glue[@]}" -ne 1 ]; then
  echo "trunk-minify-js: expected one clientele-app-*.js in $staging, found ${#glue[@]}" >&2
  exit 1
fi
file="${glue[0]}"
before=$(stat -c %s "$file")
"$esbuild" "$file" --minify --format=esm --target=es2020 --log-level=warning \
  --outfile="$file.min" --allow-overwrite
mv "$file.min" "$file"
after=$(stat -c %s "$file")

perl -0777 -Mstrict -Mwarnings -MDigest::SHA=sha384_base64 -e '
    my ($html_file, $file) = @ARGV;
    my ($name) = $file =~ m{([^/]+)$};
    open(my $in, "<:raw", $file) or die "trunk-minify-js: $file: $!\n";
    my $code = do { local $/; <$in> };
    close $in;
    my $integrity = "sha384-" . sha384_base64($code);
    open($in, "<:raw", $html_file) or die "trunk-minify-js: $html_file: $!\n";
    my $html = <$in>;
    close $in;
    # Every <link> to the glue (trunk writes one modulepreload) gets the
    # minified file'"'"'s integrity, quoted or not as trunk wrote it.
    my $links = ($html =~ s{(<link\b[^>]*\Q$name\E[^>]*>)}{
        (my $tag = $1) =~ s{\bintegrity=("?)sha384-[A-Za-z0-9+/=]+}{integrity=$1$integrity};
        $tag
    }ge);
    die "trunk-minify-js: no <link> to $name with an integrity in $html_file\n" unless $links;
    open(my $out, ">:raw", $html_file) or die "trunk-minify-js: $html_file: $!\n";
    print $out $html;
    close $out;
' "$staging/index.html" "$file"
echo "trunk-minify-js: $(basename "$file") $before → $after bytes"
