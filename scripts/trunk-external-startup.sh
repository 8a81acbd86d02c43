#!/usr/bin/env bash
# Trunk post_build hook (see Trunk.toml): moves the start-up script that
# trunk writes inline into index.html into a file of its own,
# start-<hash>.js, and loads it with <script type="module" src>. The server's
# Content-Security-Policy allows scripts from 'self' only, never inline ones,
# so without this the app would not start. The hash (of the script, which
# names the hashed wasm and JS files) changes with every build that changes
# them, so a cached old start-up script is never used with a new app; it
# carries its subresource integrity like trunk's own files.
#
# Trunk runs it with TRUNK_STAGING_DIR (the build's output, before it
# becomes dist/) and TRUNK_PUBLIC_URL set. Only inline module scripts move:
# `trunk serve`'s live-reload script is a classic one and stays (no policy
# applies in development).
set -euo pipefail

staging="${TRUNK_STAGING_DIR:?run this as a trunk post_build hook}"
public_url="${TRUNK_PUBLIC_URL:-/}"

perl -0777 -Mstrict -Mwarnings -MDigest::SHA=sha256_hex,sha384_base64 -e '
    my ($staging, $public_url) = @ARGV;
    my $html_file = "$staging/index.html";
    open(my $in, "<:raw", $html_file) or die "trunk-external-startup: $html_file: $!\n";
    my $html = <$in>;
    close $in;

    my $moved = 0;
    $html =~ s{<script\b([^>]*)>(.*?)</script>}{
        my ($attributes, $code) = ($1, $2);
        if ($attributes =~ /\btype\s*=\s*["\x27]?module\b/i && $attributes !~ /\bsrc\s*=/i
            && $code =~ /\S/) {
            my $name = "start-" . substr(sha256_hex($code), 0, 16) . ".js";
            open(my $out, ">:raw", "$staging/$name") or die "trunk-external-startup: $name: $!\n";
            print $out $code;
            close $out;
            $moved++;
            # Subresource integrity, like trunk gives its own files.
            my $integrity = "sha384-" . sha384_base64($code);
            "<script type=\"module\" src=\"$public_url$name\" integrity=\"$integrity\"></script>";
        } else {
            "<script$attributes>$code</script>";
        }
    }gse;

    die "trunk-external-startup: no inline start-up script in $html_file; has trunk changed how it starts the app?\n"
        unless $moved;
    open(my $out, ">:raw", $html_file) or die "trunk-external-startup: $html_file: $!\n";
    print $out $html;
    close $out;
    print "trunk-external-startup: moved $moved inline start-up script(s) into their own file\n";
' "$staging" "$public_url"
