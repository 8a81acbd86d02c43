#!/usr/bin/env bash
# Trunk's post_build hook (see Trunk.toml). Trunk starts the hooks of one
# stage at the same moment, and both steps here rewrite index.html, so they
# run in turn: first the start-up script moves into a file of its own, then
# (in release builds) the JS, that file included, and the CSS are minified.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
bash "$here/trunk-external-startup.sh"
bash "$here/trunk-minify.sh"
