#!/usr/bin/env bash
# Build gossec from source and install it as a service.
#
#   ./install.sh [--prefix DIR] [--no-systemd] [--no-user]
#
#   --prefix DIR   home of the installation (default /opt/gossec), laid out like
#                  /var/ossec: bin/, etc/ossec.conf, etc/rules, etc/decoders,
#                  etc/lists, ruleset/{rules,decoders}, logs/, queue/, var/run/
#   --no-systemd   do not install the systemd unit
#   --no-user      do not create the gossec system user (files stay owned by
#                  the installing user)
#
# Idempotent: running it again upgrades the binary and the shipped ruleset
# (ruleset/ is ours); etc/ossec.conf, etc/rules and etc/decoders belong to the
# operator and are never overwritten. A shipped file that differs from an
# installed one the operator edited is written beside it as *.new.
set -euo pipefail
prefix=/opt/gossec
systemd=yes
mkuser=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --no-systemd) systemd=no; shift ;;
    --no-user) mkuser=no; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")"
export PATH=/usr/local/go/bin:$PATH
command -v go >/dev/null || { echo "install.sh: the Go toolchain is needed (https://go.dev/dl/)" >&2; exit 1; }
prefix=$(mkdir -p "$prefix" && cd "$prefix" && pwd)

mkdir -p "$prefix"/{bin,etc/rules,etc/decoders,etc/lists,ruleset/rules,ruleset/decoders,logs/alerts,logs/archives,queue/gossec,var/run}
CGO_ENABLED=0 go build -trimpath -o "$prefix/bin/gossec.tmp" ./cmd/gossec
mv -f "$prefix/bin/gossec.tmp" "$prefix/bin/gossec"

# ship SRC DST: the shipped ruleset is ours; keep an operator's edit as-is
# and put the new version beside it.
ship() {
  if [ ! -e "$2" ] || cmp -s "$1" "$2"; then
    install -m 0640 "$1" "$2"
  elif [ -e "$2.shipped" ] && cmp -s "$2" "$2.shipped"; then
    install -m 0640 "$1" "$2"          # unedited older version: upgrade
  else
    install -m 0640 "$1" "$2.new"
  fi
  install -m 0640 "$1" "$2.shipped"
}
for f in decoders/default/*.xml; do ship "$f" "$prefix/ruleset/decoders/$(basename "$f")"; done
for f in rules/default/*.xml; do ship "$f" "$prefix/ruleset/rules/$(basename "$f")"; done

# CDB lists of the MySQL pack. Their rules are ruleset (ours, upgraded);
# the lists are the operator's: created once, commented, never overwritten.
ship samples/etc/rules/0510-gossec-mysql-lists_rules.xml "$prefix/ruleset/rules/0510-gossec-mysql-lists_rules.xml"
install -m 0640 packaging/lists/README "$prefix/etc/lists/README"
for l in mysql-sensitive-tables mysql-admin-accounts mysql-app-hosts; do
  [ -e "$prefix/etc/lists/$l" ] || install -m 0640 "packaging/lists/$l" "$prefix/etc/lists/$l"
  if [ -e "$prefix/etc/ossec.conf" ] && ! grep -q "<list>etc/lists/$l</list>" "$prefix/etc/ossec.conf"; then
    echo "install.sh: add <list>etc/lists/$l</list> to <ruleset> in $prefix/etc/ossec.conf (see etc/lists/README)" >&2
  fi
done

if [ ! -e "$prefix/etc/ossec.conf" ]; then
  cat > "$prefix/etc/ossec.conf" <<'CONF'
<!-- gossec configuration (ossec.conf syntax). Relative paths are relative
     to the installation home. Add <localfile> sections for your logs. -->
<ossec_config>
  <global>
    <alerts_log>yes</alerts_log>
    <jsonout_output>yes</jsonout_output>
  </global>
  <alerts>
    <log_alert_level>3</log_alert_level>
    <email_alert_level>12</email_alert_level>
  </alerts>
  <ruleset>
    <decoder_dir pattern=".xml$">ruleset/decoders</decoder_dir>
    <rule_dir pattern=".xml$">ruleset/rules</rule_dir>
    <decoder_dir pattern=".xml$">etc/decoders</decoder_dir>
    <rule_dir pattern=".xml$">etc/rules</rule_dir>
    <list>etc/lists/mysql-sensitive-tables</list>
    <list>etc/lists/mysql-admin-accounts</list>
    <list>etc/lists/mysql-app-hosts</list>
  </ruleset>
</ossec_config>
CONF
fi
[ -e "$prefix/etc/rules/local_rules.xml" ] || cat > "$prefix/etc/rules/local_rules.xml" <<'RULES'
<!-- Local rules: ids 100000-120000. Example:
<group name="local,">
  <rule id="100001" level="5">
    <if_sid>250102</if_sid>
    <srcip>10.0.0.0/8</srcip>
    <description>Failed login from the internal network.</description>
  </rule>
</group>
-->
RULES

if [ "$mkuser" = yes ] && [ "$(id -u)" = 0 ]; then
  if ! id gossec >/dev/null 2>&1; then
    useradd --system --home-dir "$prefix" --no-create-home --shell /usr/sbin/nologin gossec
  fi
  for g in adm mysql; do getent group "$g" >/dev/null && usermod -a -G "$g" gossec; done
  chown -R root:gossec "$prefix"
  chown -R gossec:gossec "$prefix"/logs "$prefix"/queue "$prefix"/var
  chmod 0750 "$prefix"/etc "$prefix"/logs "$prefix"/queue
fi

if [ "$systemd" = yes ] && [ -d /etc/systemd/system ] && [ "$(id -u)" = 0 ]; then
  sed "s#@PREFIX@#$prefix#g" packaging/gossec.service > /etc/systemd/system/gossec.service
  command -v systemctl >/dev/null && systemctl daemon-reload || true
  echo "systemd unit installed: systemctl enable --now gossec"
fi

"$prefix/bin/gossec" run -t --home "$prefix" -c "$prefix/etc/ossec.conf"
echo "gossec installed in $prefix"
