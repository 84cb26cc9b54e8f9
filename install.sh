#!/usr/bin/env bash
# Build gossec from source and install it.
#
#   ./install.sh [--prefix DIR] [--system [--no-systemd] [--no-user]]
#
#   --prefix DIR   home of the installation (default /opt/gossec), laid out like
#                  /var/ossec: bin/, etc/ossec.conf, etc/rules, etc/decoders,
#                  etc/lists, ruleset/{rules,decoders}, logs/, queue/, var/run/.
#                  Without --system nothing outside DIR is written.
#   --system       also set the machine up for the service (needs root): create
#                  the gossec system user, add it to the groups that own logs
#                  (adm, mysql: those that exist), give it logs/ queue/ var/,
#                  and install /etc/systemd/system/gossec.service when systemd
#                  runs (PID 1). DIR may not be / or a system folder.
#   --no-systemd   with --system: do not install the systemd unit
#   --no-user      with --system: do not create the user (files stay owned by
#                  the installing user)
#
# Idempotent: running it again upgrades the binary and the shipped ruleset
# (ruleset/ is ours); etc/ossec.conf, etc/rules and etc/decoders belong to the
# operator and are never overwritten. A shipped file that differs from an
# installed one the operator edited is written beside it as *.new. The unit
# rendered for DIR is always left in DIR/etc/gossec.service. The script ends
# with what it did and what it did not do, and how to do the rest.
set -euo pipefail
prefix=/opt/gossec
system=no
systemd=yes
mkuser=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --system) system=yes; shift ;;
    --no-systemd) systemd=no; shift ;;
    --no-user) mkuser=no; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")"
export PATH=/usr/local/go/bin:$PATH
command -v go >/dev/null || { echo "install.sh: the Go toolchain is needed (https://go.dev/dl/)" >&2; exit 1; }
if [ "$system" = yes ] && [ "$(id -u)" != 0 ]; then
  echo "install.sh: --system creates a user and a systemd unit: run it as root (sudo)" >&2; exit 2
fi
case "$(realpath -m "$prefix")" in
  /|/usr|/usr/local|/opt|/etc|/var|/bin|/sbin|/home|/root|/tmp)
    echo "install.sh: --prefix $prefix: the installation needs a folder of its own (e.g. /opt/gossec)" >&2; exit 2 ;;
esac
prefix=$(mkdir -p "$prefix" && cd "$prefix" && pwd)

done_list=()   # what was done, for the closing summary
todo_list=()   # what was not done, with how to do it
say() { echo "install.sh: $*"; }

# systemd manages the machine when it is PID 1 (/run/systemd/system is
# created by systemd itself at boot; a container without it has neither).
has_systemd=no
if [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] || [ -d /run/systemd/system ]; then
  has_systemd=yes
fi

mkdir -p "$prefix"/{bin,etc/rules,etc/decoders,etc/lists,ruleset/rules,ruleset/decoders,logs/alerts,logs/archives,queue/gossec,var/run}

# The build takes minutes on a small machine with an empty Go cache: say so,
# and show it is alive.
say "building gossec into $prefix/bin (go build; a few minutes on a small machine with an empty Go cache)"
start=$(date +%s)
CGO_ENABLED=0 go build -trimpath -o "$prefix/bin/gossec.tmp" ./cmd/gossec &
build=$!
while kill -0 "$build" 2>/dev/null; do
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    sleep 1
    kill -0 "$build" 2>/dev/null || break 2
  done
  say "  still building ($(( $(date +%s) - start ))s)"
done
wait "$build" || { echo "install.sh: go build failed" >&2; exit 1; }
mv -f "$prefix/bin/gossec.tmp" "$prefix/bin/gossec"
say "built in $(( $(date +%s) - start ))s"
done_list+=("binary: $prefix/bin/gossec")

# ship SRC DST: the shipped ruleset is ours; keep an operator's edit as-is
# and put the new version beside it.
ship() {
  if [ ! -e "$2" ] || cmp -s "$1" "$2"; then
    install -m 0640 "$1" "$2"
  elif [ -e "$2.shipped" ] && cmp -s "$2" "$2.shipped"; then
    install -m 0640 "$1" "$2"          # unedited older version: upgrade
  else
    install -m 0640 "$1" "$2.new"
    say "kept your edited $2; the new version is $2.new"
  fi
  install -m 0640 "$1" "$2.shipped"
}
for f in decoders/default/*.xml; do ship "$f" "$prefix/ruleset/decoders/$(basename "$f")"; done
for f in rules/default/*.xml; do ship "$f" "$prefix/ruleset/rules/$(basename "$f")"; done
done_list+=("ruleset: $prefix/ruleset (upgraded)")

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
  done_list+=("configuration: $prefix/etc/ossec.conf (new; add <localfile> sections for your logs)")
else
  done_list+=("configuration: $prefix/etc/ossec.conf kept as it was")
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
[ -e "$prefix/etc/decoders/local_decoder.xml" ] || cat > "$prefix/etc/decoders/local_decoder.xml" <<'DECODERS'
<!-- Local decoders. Example:
<decoder name="myapp">
  <program_name>^myapp$</program_name>
</decoder>
-->
DECODERS

# The unit for this prefix, inside the prefix: what --system installs, and
# what to copy by hand otherwise.
sed "s#@PREFIX@#$prefix#g" packaging/gossec.service > "$prefix/etc/gossec.service.tmp"
mv -f "$prefix/etc/gossec.service.tmp" "$prefix/etc/gossec.service"
chmod 0644 "$prefix/etc/gossec.service"

user_ok=no
if [ "$system" = yes ] && [ "$mkuser" = yes ]; then
  if ! id gossec >/dev/null 2>&1; then
    useradd --system --home-dir "$prefix" --no-create-home --shell /usr/sbin/nologin gossec
    done_list+=("user: gossec (system user, created)")
  else
    done_list+=("user: gossec (already there)")
  fi
  user_ok=yes
  # Logs are readable by these groups on Debian (adm: /var/log/syslog,
  # auth.log; mysql: the MySQL/MariaDB logs).
  for g in adm mysql; do
    if getent group "$g" >/dev/null; then
      usermod -a -G "$g" gossec
      done_list+=("group: gossec added to $g")
    else
      todo_list+=("group $g does not exist yet; when it appears (e.g. MySQL installed later): usermod -a -G $g gossec && systemctl restart gossec")
    fi
  done
  chown -R root:gossec "$prefix"
  chown -R gossec:gossec "$prefix"/logs "$prefix"/queue "$prefix"/var
  chmod 0750 "$prefix"/etc "$prefix"/logs "$prefix"/queue
  done_list+=("ownership: $prefix root:gossec, logs/ queue/ var/ gossec:gossec")
elif [ "$system" = yes ]; then
  todo_list+=("no gossec user (--no-user): the unit runs as User=gossec; edit User=/Group= in it")
else
  todo_list+=("no service user created and no groups changed (run again with --system as root to create the gossec user)")
fi

if [ "$system" = yes ] && [ "$systemd" = yes ] && [ "$has_systemd" = yes ]; then
  install -m 0644 "$prefix/etc/gossec.service" /etc/systemd/system/gossec.service
  systemctl daemon-reload || say "systemctl daemon-reload failed; run it before starting gossec"
  done_list+=("systemd unit: /etc/systemd/system/gossec.service (start: systemctl enable --now gossec)")
elif [ "$system" = yes ] && [ "$systemd" = yes ]; then
  todo_list+=("systemd is not running here (PID 1 is $(cat /proc/1/comm 2>/dev/null || echo unknown)): no unit installed. Start gossec with your init system, as user gossec: $prefix/bin/gossec run --home $prefix -c $prefix/etc/ossec.conf")
else
  todo_list+=("no systemd unit installed (it is in $prefix/etc/gossec.service; --system installs it$( [ "$has_systemd" = no ] && echo ", but systemd is not running here" ))")
  todo_list+=("to run in the foreground: $prefix/bin/gossec run --home $prefix -c $prefix/etc/ossec.conf")
fi

say "checking the installation (gossec run -t)"
check_user=()
[ "$user_ok" = yes ] && check_user=(-user gossec)
"$prefix/bin/gossec" run -t "${check_user[@]}" --home "$prefix" -c "$prefix/etc/ossec.conf"

echo
echo "gossec installed in $prefix"
echo "Done:"
for l in "${done_list[@]}"; do echo "  - $l"; done
echo "Not done:"
[ ${#todo_list[@]} -gt 0 ] || echo "  (nothing)"
for l in "${todo_list[@]}"; do echo "  - $l"; done
