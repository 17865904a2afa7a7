#!/usr/bin/env bash
# Installs the system packages gleaner needs to build and test, if missing:
# libclang-dev (oxigraph's RocksDB bindings are generated with bindgen) and
# graphviz (tests check every DOT output with the real `dot`).
set -euo pipefail
need=()
dpkg -s libclang-dev >/dev/null 2>&1 || need+=(libclang-dev)
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v cc >/dev/null 2>&1 || need+=(build-essential)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
