#!/usr/bin/env bash
# Writes a development .env (DEBUG on, a fresh random SECRET_KEY) unless one exists already.
set -euo pipefail
[ -f .env ] && exit 0
key=$(python3 -c "import secrets; print(secrets.token_urlsafe(50))")
cat > .env <<ENV
# Written by 'make run' for local development. See .env.example for every setting.
DEBUG=true
SECRET_KEY=$key
ENV
echo "Wrote a development .env (DEBUG=true, random SECRET_KEY)."
