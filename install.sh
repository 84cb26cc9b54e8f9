#!/usr/bin/env bash
# Build gossec from source and install it under a prefix.
#
#   ./install.sh [--prefix DIR]     (default /opt/gossec)
#
# Installs bin/gossec, the default configuration as etc/ossec.conf and the
# embedded default ruleset as editable files (ruleset/decoders,
# ruleset/rules). Idempotent: files an operator has edited are never
# overwritten; a newer shipped version is written beside them as *.new.
set -euo pipefail
prefix=/opt/gossec
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")"
export PATH=/usr/local/go/bin:$PATH
command -v go >/dev/null || { echo "install.sh: the Go toolchain is needed (https://go.dev/dl/)" >&2; exit 1; }

mkdir -p "$prefix"/{bin,etc/rules,etc/decoders,etc/lists,ruleset/rules,ruleset/decoders,logs/alerts,var/run}
CGO_ENABLED=0 go build -trimpath -o "$prefix/bin/gossec.tmp" ./cmd/gossec
mv -f "$prefix/bin/gossec.tmp" "$prefix/bin/gossec"

# install_file SRC DST: copy unless DST exists with other content (then SRC
# goes to DST.new so an operator's edits survive).
install_file() {
  if [ ! -e "$2" ]; then
    install -m 0640 "$1" "$2"
  elif ! cmp -s "$1" "$2"; then
    install -m 0640 "$1" "$2.new"
  fi
}
for f in decoders/default/*.xml; do install_file "$f" "$prefix/ruleset/decoders/$(basename "$f")"; done
for f in rules/default/*.xml; do install_file "$f" "$prefix/ruleset/rules/$(basename "$f")"; done
if [ ! -e "$prefix/etc/ossec.conf" ]; then
  cat > "$prefix/etc/ossec.conf" <<'CONF'
<ossec_config>
  <ruleset>
    <decoder_dir>ruleset/decoders</decoder_dir>
    <rule_dir>ruleset/rules</rule_dir>
    <decoder_dir>etc/decoders</decoder_dir>
    <rule_dir>etc/rules</rule_dir>
  </ruleset>
</ossec_config>
CONF
fi
"$prefix/bin/gossec" check -q --home "$prefix" -c "$prefix/etc/ossec.conf"
echo "gossec installed in $prefix"
