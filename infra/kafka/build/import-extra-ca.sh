#!/bin/bash
# Usage: import-extra-ca.sh <pem-bundle> <truststore-out>
# Writes a PKCS12 truststore = the JDK's default cacerts + every cert of the bundle
# that the system store does not already contain (keytool imports one cert per call,
# so the bundle is split and de-duplicated by SHA-256 fingerprint first).
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
for f in "$work"/extra-*.pem; do
  [ -e "$f" ] || continue
  total=$((total + 1))
  sum=$(fp "$f") || true
  [ -n "$sum" ] || { echo "extra CA: skipping unparsable block $(basename "$f")"; continue; }
  grep -qxF "$sum" "$work/known" && continue
  if ! msg=$(keytool -importcert -noprompt -storepass changeit -keystore "$out" \
                -alias "extra-ca-$(basename "$f" .pem)" -file "$f" 2>&1); then
    echo "$msg" >&2; exit 1
  fi
  echo "$sum" >> "$work/known"
  added=$((added + 1))
done
echo "extra CA: $total cert(s) in bundle, $added not already trusted -> imported"
