#!/usr/bin/env bash
# The app as shipped (`make dist`, and so `make run` and the end-to-end
# tests): trunk's release build, with two Cargo/rustc features that are
# still unstable, measured in bench/README.md ("Choosing the build"):
# - the standard library built again for size (`-Zbuild-std`, with its
#   `optimize_for_size` feature) instead of the prebuilt one;
# - panics that stop the app at once (`-Cpanic=immediate-abort`), without
#   the messages and source paths that formatting a panic needs.
# Together they take about 27 KB off the brotli'd wasm (7.5 %). A panic then
# shows in the console as "RuntimeError: unreachable" without its message;
# `trunk serve` and the wasm tests keep full messages.
#
# RUSTC_BOOTSTRAP lets the pinned stable toolchain (rust-toolchain.toml)
# accept them, so that nothing needs a nightly toolchain; scripts/setup.sh
# installs the standard library's source (rustup's `rust-src`).
#
# Usage: scripts/trunk-release.sh [trunk build options, such as --dist DIR]
set -euo pipefail
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
# Cargo adds these to the wasm target's rustflags in .cargo/config.toml
# (`cargo config get target.wasm32-unknown-unknown.rustflags` shows both).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort"
exec trunk build --release "$@"
