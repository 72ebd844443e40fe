#!/bin/bash
# Usage: import-extra-ca.sh <pem-bundle> <truststore-out>
# Writes a PKCS12 truststore = the JDK's default cacerts + every cert of the bundle
# that the system store does not already contain. keytool imports one cert per file, so
# the bundle is split, de-duplicated by SHA-256 fingerprint, and the new certs are packed
# into one PKCS12 (openssl -jdktrust) that keytool merges in a single run.
# An absent or empty bundle yields a plain copy of the default cacerts.
set -euo pipefail
bundle=$1 out=$2
cp /etc/ssl/certs/java/cacerts "$out"
[ -s "$bundle" ] || { echo "extra CA: none supplied"; exit 0; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v dir="$work" '
  /-----BEGIN CERTIFICATE-----/ { n++; f = sprintf("%s/extra-%04d.pem", dir, n); inside = 1 }
  inside { print > f }
  /-----END CERTIFICATE-----/ { inside = 0; close(f) }
' "$bundle"

fp() { openssl x509 -noout -fingerprint -sha256 -in "$1" 2>/dev/null | cut -d= -f2; }
# Fingerprints of the certificates Java already trusts (Debian builds cacerts from this bundle).
awk -v dir="$work/sys" 'BEGIN { system("mkdir -p " dir) }
  /-----BEGIN CERTIFICATE-----/ { n++; f = sprintf("%s/%04d.pem", dir, n); inside = 1 }
  inside { print > f }
  /-----END CERTIFICATE-----/ { inside = 0; close(f) }
' /etc/ssl/certs/ca-certificates.crt
for f in "$work"/sys/*.pem; do fp "$f"; done | sort -u > "$work/known"

total=0 added=0
: > "$work/new.pem"
for f in "$work"/extra-*.pem; do
  [ -e "$f" ] || continue
  total=$((total + 1))
  sum=$(fp "$f") || true
  [ -n "$sum" ] || { echo "extra CA: skipping unparsable block $(basename "$f")"; continue; }
  grep -qxF "$sum" "$work/known" && continue
  cat "$f" >> "$work/new.pem"
  echo "$sum" >> "$work/known"
  added=$((added + 1))
done
if [ "$added" -gt 0 ]; then
  # One PKCS12 holding all new certs as Java trusted-cert entries, merged in a single
  # keytool run (one JVM instead of one per certificate).
  openssl pkcs12 -export -nokeys -in "$work/new.pem" -jdktrust anyExtendedKeyUsage \
          -out "$work/new.p12" -passout pass:changeit
  if ! msg=$(keytool -importkeystore -noprompt -srckeystore "$work/new.p12" -srcstoretype PKCS12 \
                -srcstorepass changeit -destkeystore "$out" -deststorepass changeit 2>&1); then
    echo "$msg" >&2; exit 1
  fi
fi
echo "extra CA: $total cert(s) in bundle, $added not already trusted -> imported"
