#!/usr/bin/env bash
# Runs a command with a real, unlocked Secret Service: a private D-Bus session bus
# (dbus-run-session) with gnome-keyring's secrets component, its keyrings in a temporary
# XDG_DATA_HOME that is removed afterwards (FIELD-NOTES §6). For the keychain tests and for trying
# `portkey-doctor key …` on a headless Linux machine:
#
#   bash scripts/with-secret-service.sh npx vitest run test/platform/keychain.test.ts
#   bash scripts/with-secret-service.sh sh -c 'echo "$KEY" | node dist/cli.js key set'
#
# Needs the Debian packages dbus, gnome-keyring and libsecret-tools (secret-tool, optional).
# Exits with the command's exit code; 127 when a tool is missing.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi
for tool in dbus-run-session dbus-daemon gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-secret-service: $tool is not installed (apt-get install dbus gnome-keyring libsecret-tools)" >&2
    exit 127
  fi
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/pkd-secret-service.XXXXXX")"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
mkdir -m 700 "$tmp/data" "$tmp/runtime"

# dbus-daemon complains on stderr (fd limit, service activation); keep that out of the
# command's output but at hand for debugging.
cat >"$tmp/dbus-daemon" <<WRAP
#!/bin/sh
exec dbus-daemon "\$@" 2>>"$tmp/dbus-daemon.log"
WRAP
chmod +x "$tmp/dbus-daemon"

# The keyring password only unlocks this throw-away keyring.
export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/runtime" PKD_KEYRING_PASSWORD="portkey-doctor-test"
export PORTKEY_DOCTOR_SECRET_SERVICE=1
set +e
# gnome-keyring runs in the foreground as a child of this session's shell so it can be ended by
# its pid when the command is done (a daemonised one can outlive the bus it was started on).
dbus-run-session --dbus-daemon="$tmp/dbus-daemon" -- sh -c '
  printf %s "$PKD_KEYRING_PASSWORD" | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>>"$XDG_RUNTIME_DIR/gnome-keyring.log" &
  keyring=$!
  unset PKD_KEYRING_PASSWORD
  i=0
  until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; do
    i=$((i + 1))
    if [ "$i" -gt 100 ] || ! kill -0 "$keyring" 2>/dev/null; then
      echo "with-secret-service: gnome-keyring-daemon did not come up on the session bus" >&2
      kill "$keyring" 2>/dev/null
      exit 127
    fi
    sleep 0.1
  done
  "$@"
  status=$?
  kill "$keyring" 2>/dev/null
  wait "$keyring" 2>/dev/null
  exit "$status"' with-secret-service "$@"
status=$?
set -e
exit "$status"
