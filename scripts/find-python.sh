#!/usr/bin/env bash
# Print the path of a Python >= 3.12: $PYTHON if set, else pyenv's newest, else what PATH has.
set -u
ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
for p in $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[3-9]*/bin/python3 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3 2>/dev/null | sort -rV); do
  candidates+=("$p")
done
for name in python3.14 python3.13 python3.12 python3; do
  p=$(PYENV_VERSION=system command -v "$name" 2>/dev/null) && candidates+=("$p")
done
for p in "${candidates[@]}"; do
  if ok "$p"; then echo "$p"; exit 0; fi
done
echo "No Python >= 3.12 found: install one or set PYTHON=/path/to/python3" >&2
exit 1
