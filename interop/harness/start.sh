#!/usr/bin/env bash
# Satchel interop harness: real Dovecot (IMAP, POP3, LMTP) and Postfix (SMTP) on 127.0.0.1, from
# Debian packages, for the interop tests. Derived from the team's loopback setup in ../shared/servers.
# Starts a private Dovecot + Postfix pair on 127.0.0.1 (non-standard ports) for
# mail-client tests, plus Cyrus IMAP and Courier-IMAP (IMAP, POP3) and Exim (SMTP) from
# unpacked Debian packages (cyrus.sh, courier.sh, exim.sh), and PostgreSQL (postgres.sh). Safe to rerun: it first stops the instance it started
# before (pid files only), then regenerates the configs and starts again.
#
#   ./start.sh            install packages if needed, (re)start everything
#   ./start.sh --new-cert also throw away and regenerate the TLS certificate
#
# State lives in $MAILHARNESS_DIR (default /tmp/mailharness). See README.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/common.sh"
. "$HERE/private-packages.sh"
. "$HERE/cyrus.sh"
. "$HERE/courier.sh"
. "$HERE/exim.sh"
. "$HERE/opendkim.sh"
. "$HERE/postgres.sh"

T0=$(date +%s.%N)
NEW_CERT=0
for a in "$@"; do
  case "$a" in
    --new-cert) NEW_CERT=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) mh_die "unknown option: $a" ;;
  esac
done
[ "$(id -u)" = 0 ] || mh_die "must run as root (installs packages, binds as dovecot/postfix)"

########################################################################
# 1. Packages (idempotent; apt is not touched when everything is there)
########################################################################
PKGS="dovecot-imapd dovecot-pop3d dovecot-lmtpd postfix opendkim postgresql swaks libnet-ssleay-perl openssl curl ca-certificates"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing="$missing $p"
done
if [ -n "$missing" ]; then
  mh_log "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  # Keep the packages' own system services (dovecot on 143/993/110/995 on all
  # interfaces, postfix on 25, postgresql's main cluster on 5432) from being started by the postinst scripts.
  # Only done when the machine has no policy-rc.d of its own.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# temporary, from mailharness start.sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt_install() {
    apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends $missing
  }
  if ! apt_install; then
    apt-get -o DPkg::Lock::Timeout=300 update
    apt_install || mh_die "apt-get install failed"
  fi
  if grep -q 'temporary, from mailharness' /usr/sbin/policy-rc.d 2>/dev/null; then
    rm -f /usr/sbin/policy-rc.d
  fi
  trap - EXIT
fi
for b in dovecot doveconf doveadm postfix postconf opendkim openssl; do
  command -v "$b" >/dev/null || mh_die "$b not found after install"
done

########################################################################
# 2. Stop what we started before, then make sure our ports are free
########################################################################
"$HERE/stop.sh" --quiet
# From here on, a failure stops whatever this run already started, so a
# failed start never leaves a half-up harness behind.
# shellcheck disable=SC2154
trap 'rc=$?; [ $rc = 0 ] || "$HERE/stop.sh" --quiet; exit $rc' EXIT

busy=""
for p in $MH_ALL_PORTS; do
  mh_port_open "$p" && busy="$busy $p"
done
[ -z "$busy" ] || mh_die "port(s)$busy on $MH_HOST are already in use by something this harness did not start (see: ss -ltnp)"

########################################################################
# 3. System user that owns all mail, directories
########################################################################
if ! getent passwd "$MH_VMAIL_USER" >/dev/null; then
  mh_log "creating system user $MH_VMAIL_USER"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
          --shell /usr/sbin/nologin "$MH_VMAIL_USER"
fi
VMAIL_UID=$(id -u "$MH_VMAIL_USER"); VMAIL_GID=$(id -g "$MH_VMAIL_USER")

umask 022
mkdir -p "$MH_DIR" "$MH_DIR/dovecot" "$MH_DIR/run" "$MH_DIR/state/dovecot" \
         "$MH_POSTFIX_CONF" "$MH_DIR/postfix" "$MH_POSTFIX_QUEUE" "$MH_TLS" "$MH_LOG" "$MH_MAIL"
chown root:root "$MH_DIR" "$MH_DIR/run" "$MH_DIR/postfix" "$MH_POSTFIX_CONF" "$MH_POSTFIX_QUEUE"
chmod 755 "$MH_DIR" "$MH_DIR/run" "$MH_DIR/postfix" "$MH_POSTFIX_CONF" "$MH_POSTFIX_QUEUE"
chown "$MH_VMAIL_USER:$MH_VMAIL_USER" "$MH_MAIL"; chmod 700 "$MH_MAIL"

########################################################################
# 4. TLS: self-signed cert (CN=localhost, SAN localhost + 127.0.0.1),
#    PEM + PKCS12 + JKS truststores for Java (password changeit).
#    Kept across restarts so cached truststores stay valid.
########################################################################
CERT="$MH_TLS/cert.pem"; KEY="$MH_TLS/key.pem"
if [ $NEW_CERT = 1 ] || [ ! -s "$CERT" ] || [ ! -s "$KEY" ] \
   || ! openssl x509 -in "$CERT" -noout -checkend 86400 >/dev/null 2>&1; then
  mh_log "generating self-signed certificate"
  rm -f "$MH_TLS"/*
  cat > "$MH_TLS/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
x509_extensions = v3
[dn]
CN = localhost
O = mailharness
[v3]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, keyEncipherment, keyCertSign
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
EOF
  openssl req -x509 -newkey rsa:2048 -sha256 -days 3650 -nodes \
    -config "$MH_TLS/openssl.cnf" -keyout "$KEY" -out "$CERT" 2>/dev/null
  chmod 600 "$KEY"; chmod 644 "$CERT"
fi
cp -f "$CERT" "$MH_TLS/ca.pem"     # same cert: the trust anchor for clients
if command -v keytool >/dev/null; then
  for kind in PKCS12:truststore.p12 JKS:truststore.jks; do
    st="${kind%%:*}"; f="$MH_TLS/${kind#*:}"
    if [ ! -s "$f" ] || [ "$f" -ot "$CERT" ]; then
      rm -f "$f"
      keytool -importcert -noprompt -alias mailharness -file "$CERT" \
        -keystore "$f" -storetype "$st" -storepass "$MH_STOREPASS" >/dev/null 2>&1 \
        || mh_die "keytool failed to write $f"
      chmod 644 "$f"
    fi
  done
else
  mh_log "WARNING: keytool not found; no Java truststore written (PEM only)"
fi

########################################################################
# 5. Users (dovecot passwd-file + postfix recipient table)
########################################################################
DOMAINS="$(mh_domains)"
: > "$MH_DOVECOT_USERS.tmp"
: > "$MH_POSTFIX_CONF/vmailbox.tmp"
for u in $MH_USERS; do
  name="${u%%:*}"; pw="${u#*:}"
  case "$name" in *@*.*) ;; *) mh_die "bad user '$name' (want user@domain)";; esac
  printf '%s:{PLAIN}%s::::::\n' "$name" "$pw" >> "$MH_DOVECOT_USERS.tmp"
  printf '%s OK\n' "$name" >> "$MH_POSTFIX_CONF/vmailbox.tmp"
done
# One more IMAP account with a tiny quota (100 KB), for over-quota tests; it receives no SMTP mail.
MH_TINY_USER="${MAILHARNESS_TINY_USER:-tiny@example.test:tiny-pw}"
printf '%s:{PLAIN}%s::::::userdb_quota_rule=*:storage=100K\n' "${MH_TINY_USER%%:*}" "${MH_TINY_USER#*:}" >> "$MH_DOVECOT_USERS.tmp"
first_user="${MH_USERS%%:*}"
mv -f "$MH_DOVECOT_USERS.tmp" "$MH_DOVECOT_USERS"
chown root:dovecot "$MH_DOVECOT_USERS"; chmod 640 "$MH_DOVECOT_USERS"
mv -f "$MH_POSTFIX_CONF/vmailbox.tmp" "$MH_POSTFIX_CONF/vmailbox"
# postmaster@ each local domain (RFC 5321 wants it) goes to the first user.
: > "$MH_POSTFIX_CONF/virtual_alias"
for d in $DOMAINS; do
  grep -q "^postmaster@$d " "$MH_POSTFIX_CONF/vmailbox" || \
    printf 'postmaster@%s %s\n' "$d" "$first_user" >> "$MH_POSTFIX_CONF/virtual_alias"
done

########################################################################
# 6. Dovecot: its own config file, base_dir, state_dir and log
########################################################################
DEBUG="${MAILHARNESS_DEBUG:-no}"; [ "$DEBUG" = 1 ] && DEBUG=yes
SSL_DH=""; [ -s /usr/share/dovecot/dh.pem ] && SSL_DH="ssl_dh = </usr/share/dovecot/dh.pem"
# Dovecot's oauth2 passdb: RFC 7662 introspection (POST, client authenticated with HTTP Basic from the
# URL), the login name must equal the token's "sub" claim, and only an active token passes.
cat > "$MH_DIR/dovecot/oauth2.conf.ext" <<EOF
introspection_mode = post
introspection_url = http://$MH_OAUTH2_INTROSPECTION_CLIENT:$MH_OAUTH2_INTROSPECTION_SECRET@$MH_HOST:$MH_OAUTH2_PORT/oauth2/introspect
force_introspection = yes
username_attribute = sub
active_attribute = active
active_value = true
timeout_msecs = 5000
EOF
chmod 640 "$MH_DIR/dovecot/oauth2.conf.ext"; chown root:dovecot "$MH_DIR/dovecot/oauth2.conf.ext"

cat > "$MH_DOVECOT_CONF" <<EOF
# Generated by $HERE/start.sh -- edits are overwritten on the next start.
# Standalone: nothing from /etc/dovecot is included.
instance_name = mailharness
base_dir = $MH_DOVECOT_RUN
state_dir = $MH_DIR/state/dovecot
protocols = imap pop3 lmtp
listen = 127.0.0.1
hostname = localhost
log_path = $MH_LOG/dovecot.log
auth_verbose = yes
auth_debug = $DEBUG
mail_debug = $DEBUG
verbose_ssl = $DEBUG
verbose_proctitle = yes

ssl = yes
ssl_cert = <$CERT
ssl_key = <$KEY
$SSL_DH
ssl_min_protocol = TLSv1.2

# Test harness: allow LOGIN / AUTH PLAIN on non-TLS connections too.
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
# Dovecot normally waits 2 s before answering a failed login, which makes
# wrong-password tests crawl. MAILHARNESS_AUTH_FAILURE_DELAY=2s restores it.
auth_failure_delay = ${MAILHARNESS_AUTH_FAILURE_DELAY:-0}
# Dovecot also delays every login from an address after failed ones (up to 15 s, its "auth penalty");
# all tests come from 127.0.0.1, so one test's refused login slowed the next ones. Loopback is trusted.
login_trusted_networks = 127.0.0.0/8
auth_username_format = %Lu
recipient_delimiter = +

# OAuth2 (XOAUTH2, OAUTHBEARER): tokens are checked by RFC 7662 introspection at the authorization
# server the OAuth2 tests start on $MH_HOST:$MH_OAUTH2_PORT (nothing listens there otherwise, and such
# logins fail). Passwords never reach this passdb, and tokens never reach the password file.
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $MH_DIR/dovecot/oauth2.conf.ext
}
passdb {
  driver = passwd-file
  # "none": lookups that authenticate nobody (LMTP's check that a recipient exists) come here too
  mechanisms = plain login none
  args = scheme=PLAIN username_format=%u $MH_DOVECOT_USERS
}
userdb {
  driver = static
  args = uid=$MH_VMAIL_USER gid=$MH_VMAIL_USER home=$MH_MAIL/%d/%n
}
first_valid_uid = $VMAIL_UID
last_valid_uid = $VMAIL_UID
first_valid_gid = $VMAIL_GID
last_valid_gid = $VMAIL_GID

mail_location = maildir:~/Maildir
# quota: 200M per user. listescape: lets folder names contain '.', which the
# Maildir++ on-disk layout otherwise forbids once the IMAP separator is '/'.
mail_plugins = \$mail_plugins quota listescape

namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    auto = subscribe
    special_use = \Drafts
  }
  mailbox Sent {
    auto = subscribe
    special_use = \Sent
  }
  mailbox Trash {
    auto = subscribe
    special_use = \Trash
  }
  mailbox Junk {
    auto = subscribe
    special_use = \Junk
  }
  mailbox Archive {
    auto = subscribe
    special_use = \Archive
  }
}

plugin {
  quota = count:User quota
  quota_vsizes = yes
  quota_rule = *:storage=$MH_QUOTA
  quota_grace = 10%%
  listescape_char = "\\\\"
}

protocol imap {
  # imap_zlib: COMPRESS=DEFLATE (RFC 4978), which mail-imap uses when offered
  mail_plugins = \$mail_plugins imap_quota imap_zlib
  mail_max_userip_connections = 200
}
protocol pop3 {
  mail_max_userip_connections = 200
}
protocol lmtp {
  postmaster_address = postmaster@${DOMAINS%% *}
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $MH_IMAP_PORT
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $MH_IMAPS_PORT
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $MH_POP3_PORT
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $MH_POP3S_PORT
    ssl = yes
  }
}
service imap {
  process_limit = 512
}
service pop3 {
  process_limit = 512
}
service lmtp {
  unix_listener lmtp {
    mode = 0660
    user = postfix
    group = postfix
  }
  inet_listener lmtp {
    address = 127.0.0.1
    port = $MH_LMTP_PORT
  }
}
service auth {
  # Postfix smtpd asks Dovecot to check SMTP AUTH (smtpd_sasl_type = dovecot).
  unix_listener auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
EOF
doveconf -c "$MH_DOVECOT_CONF" -n > "$MH_DIR/dovecot/doveconf-n.txt" 2> "$MH_DIR/dovecot/doveconf.err" \
  || { cat "$MH_DIR/dovecot/doveconf.err" >&2; mh_die "dovecot config does not parse"; }

mh_log "starting dovecot"
# The daemon keeps stderr open: never let it inherit our stdout/stderr, or a
# caller that pipes this script (start.sh | tee) would wait forever for EOF.
dovecot -c "$MH_DOVECOT_CONF" </dev/null >"$MH_LOG/dovecot.stderr" 2>&1 \
  || { cat "$MH_LOG/dovecot.stderr" >&2; tail -20 "$MH_LOG/dovecot.log" >&2 || true; mh_die "dovecot failed to start"; }

########################################################################
# 7. Postfix: own config dir, queue dir, log file; delivers only to the
#    local domains over LMTP to Dovecot, never anywhere else.
########################################################################
cat > "$MH_POSTFIX_CONF/main.cf" <<EOF
# Generated by $HERE/start.sh -- edits are overwritten on the next start.
compatibility_level = 3.6
queue_directory = $MH_POSTFIX_QUEUE
data_directory = $MH_DIR/postfix/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-mailharness
maillog_file = $MH_LOG/postfix.log
maillog_file_prefixes = $MH_LOG

myhostname = localhost
mydomain = ${DOMAINS%% *}
myorigin = \$mydomain
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
smtpd_banner = \$myhostname ESMTP Postfix (mailharness)
disable_vrfy_command = yes

# Loopback only, and never any outbound delivery: everything that is not a
# local domain is refused at RCPT time (Relay access denied) and, as a second
# fence, the default/relay transports are the error transport and there is no
# smtp client service in master.cf.
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
relay_domains =
default_transport = error:5.7.1 mailharness never delivers outside its local domains
relay_transport = error:5.7.1 mailharness never delivers outside its local domains
local_transport = error:5.1.1 local delivery is disabled in mailharness
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions =

virtual_mailbox_domains = $DOMAINS
virtual_mailbox_maps = texthash:$MH_POSTFIX_CONF/vmailbox
virtual_alias_maps = texthash:$MH_POSTFIX_CONF/virtual_alias
virtual_transport = lmtp:unix:$MH_LMTP_SOCKET
recipient_delimiter = +

# Dovecot 2.3's LMTP does not offer SMTPUTF8, and Postfix bounces (5.6.7) any
# message whose client asked for SMTPUTF8 when the next hop lacks it. So by
# default SMTPUTF8 is not advertised; raw UTF-8 headers still pass as 8-bit
# data. MAILHARNESS_SMTPUTF8=yes advertises it (such mail is then bounced).
smtputf8_enable = ${MAILHARNESS_SMTPUTF8:-no}

message_size_limit = 52428800
mailbox_size_limit = 0
virtual_mailbox_limit = 0

# Quick retries so a message deferred while dovecot restarts arrives soon.
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 30s
maximal_queue_lifetime = 1h
bounce_queue_lifetime = 1h
delay_warning_time = 0h
smtpd_error_sleep_time = 0

smtpd_tls_cert_file = $CERT
smtpd_tls_key_file = $KEY
smtpd_tls_security_level = may
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
smtpd_tls_session_cache_database =
smtp_tls_security_level = none
lmtp_tls_security_level = none

smtpd_sasl_type = dovecot
smtpd_sasl_path = $MH_AUTH_SOCKET
smtpd_sasl_auth_enable = no
smtpd_sasl_security_options = noanonymous
smtpd_sasl_tls_security_options = noanonymous
smtpd_sasl_authenticated_header = yes

# OpenDKIM verifies every message on the submission port and adds Authentication-Results
# (opendkim.sh; smtpd_milters in master.cf); a milter that does not answer never blocks mail. The MX
# port has none, so the send benchmark measures Postfix, not the milter (about 90 ms a message).
milter_default_action = accept
milter_protocol = 6
EOF

cat > "$MH_POSTFIX_CONF/master.cf" <<EOF
# Generated by $HERE/start.sh. Nothing is chrooted.
# service type  private unpriv  chroot  wakeup  maxproc command + args
# Plain SMTP (MX-like): STARTTLS offered, AUTH offered (also without TLS),
# unauthenticated mail accepted for the local domains only.
$MH_HOST:$MH_SMTP_PORT inet n - n - - smtpd
  -o syslog_name=postfix-mailharness/smtp
  -o smtpd_sasl_auth_enable=yes
# Submission: STARTTLS required, AUTH only after STARTTLS, AUTH required.
$MH_HOST:$MH_SUBM_PORT inet n - n - - smtpd
  -o syslog_name=postfix-mailharness/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
  -o smtpd_milters=inet:$MH_HOST:$MH_OPENDKIM_PORT
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF

# Postfix pauses (in 0.3 s steps) while reading any config or texthash file
# modified within the last second ("let it cool down"); that alone cost ~2 s
# per start. Backdating the freshly written files avoids it.
touch -d "@$(( $(date +%s) - 10 ))" "$MH_POSTFIX_CONF"/main.cf "$MH_POSTFIX_CONF"/master.cf \
  "$MH_POSTFIX_CONF"/vmailbox "$MH_POSTFIX_CONF"/virtual_alias
mh_opendkim_start
postfix -c "$MH_POSTFIX_CONF" check > "$MH_DIR/postfix/check.log" 2>&1 \
  || { cat "$MH_DIR/postfix/check.log" >&2; mh_die "postfix check failed"; }
mh_log "starting postfix"
postfix -c "$MH_POSTFIX_CONF" start </dev/null > "$MH_DIR/postfix/start.log" 2>&1 \
  || { cat "$MH_DIR/postfix/start.log" >&2; tail -20 "$MH_LOG/postfix.log" >&2 || true; mh_die "postfix failed to start"; }

########################################################################
# 8. Cyrus IMAP, Courier-IMAP and Exim (downloaded and unpacked on first use), PostgreSQL
########################################################################
mh_cyrus_start "$CERT" "$KEY"
mh_courier_start "$CERT" "$KEY"
mh_exim_start "$CERT" "$KEY"
mh_postgres_start

########################################################################
# 9. Wait until every port answers
########################################################################
for p in $MH_ALL_PORTS; do
  ok=0
  for _ in $(seq 1 100); do mh_port_open "$p" && { ok=1; break; }; sleep 0.1; done
  [ $ok = 1 ] || mh_die "nothing listens on $MH_HOST:$p after 10 s (logs: $MH_LOG)"
done
[ -S "$MH_LMTP_SOCKET" ] && [ -S "$MH_AUTH_SOCKET" ] || mh_die "dovecot sockets missing in $MH_DOVECOT_RUN"

########################################################################
# 10. Files for tests to read, and the summary
########################################################################
{
  echo "# Written by start.sh; source it or read it as java.util.Properties."
  echo "MAILHARNESS_DIR=$MH_DIR"
  echo "MAILHARNESS_HOST=$MH_HOST"
  echo "MAILHARNESS_IMAP_PORT=$MH_IMAP_PORT"
  echo "MAILHARNESS_IMAPS_PORT=$MH_IMAPS_PORT"
  echo "MAILHARNESS_POP3_PORT=$MH_POP3_PORT"
  echo "MAILHARNESS_POP3S_PORT=$MH_POP3S_PORT"
  echo "MAILHARNESS_LMTP_PORT=$MH_LMTP_PORT"
  echo "MAILHARNESS_LMTP_SOCKET=$MH_LMTP_SOCKET"
  echo "MAILHARNESS_SMTP_PORT=$MH_SMTP_PORT"
  echo "MAILHARNESS_SUBMISSION_PORT=$MH_SUBM_PORT"
  echo "MAILHARNESS_CA_PEM=$MH_TLS/ca.pem"
  echo "MAILHARNESS_TRUSTSTORE_P12=$MH_TLS/truststore.p12"
  echo "MAILHARNESS_TRUSTSTORE_JKS=$MH_TLS/truststore.jks"
  echo "MAILHARNESS_TRUSTSTORE_PASSWORD=$MH_STOREPASS"
  echo "MAILHARNESS_USERS=\"$MH_USERS\""
  echo "MAILHARNESS_TINY_USER=\"$MH_TINY_USER\""
  echo "MAILHARNESS_CYRUS_IMAP_PORT=$MH_CYRUS_IMAP_PORT"
  echo "MAILHARNESS_CYRUS_IMAPS_PORT=$MH_CYRUS_IMAPS_PORT"
  echo "MAILHARNESS_CYRUS_POP3_PORT=$MH_CYRUS_POP3_PORT"
  echo "MAILHARNESS_CYRUS_POP3S_PORT=$MH_CYRUS_POP3S_PORT"
  echo "MAILHARNESS_CYRUS_LMTP_PORT=$MH_CYRUS_LMTP_PORT"
  echo "MAILHARNESS_COURIER_IMAP_PORT=$MH_COURIER_IMAP_PORT"
  echo "MAILHARNESS_COURIER_IMAPS_PORT=$MH_COURIER_IMAPS_PORT"
  echo "MAILHARNESS_COURIER_POP3_PORT=$MH_COURIER_POP3_PORT"
  echo "MAILHARNESS_COURIER_POP3S_PORT=$MH_COURIER_POP3S_PORT"
  echo "MAILHARNESS_EXIM_SMTP_PORT=$MH_EXIM_SMTP_PORT"
  echo "MAILHARNESS_EXIM_SUBMISSION_PORT=$MH_EXIM_SUBM_PORT"
  echo "MAILHARNESS_EXIM_CONF=$MH_EXIM_DIR/exim.conf"
  echo "MAILHARNESS_DOVECOT_CONF=$MH_DOVECOT_CONF"
  echo "MAILHARNESS_POSTFIX_CONF=$MH_POSTFIX_CONF"
  echo "MAILHARNESS_OAUTH2_PORT=$MH_OAUTH2_PORT"
  echo "MAILHARNESS_OAUTH2_INTROSPECTION_CLIENT=$MH_OAUTH2_INTROSPECTION_CLIENT"
  echo "MAILHARNESS_OAUTH2_INTROSPECTION_SECRET=$MH_OAUTH2_INTROSPECTION_SECRET"
  mh_opendkim_env
  mh_postgres_env
} > "$MH_DIR/harness.env"

T1=$(date +%s.%N)
cat <<EOF

mailharness is up on $MH_HOST (state: $MH_DIR, started in $(awk -v a="$T0" -v b="$T1" 'BEGIN{printf "%.1f", b-a}') s)
  IMAP        $MH_HOST:$MH_IMAP_PORT    STARTTLS available (plaintext LOGIN allowed too)
  IMAPS       $MH_HOST:$MH_IMAPS_PORT    implicit TLS
  POP3        $MH_HOST:$MH_POP3_PORT    STLS available (plaintext USER/PASS allowed too)
  POP3S       $MH_HOST:$MH_POP3S_PORT    implicit TLS
  LMTP        $MH_HOST:$MH_LMTP_PORT    and unix:$MH_LMTP_SOCKET (direct delivery into Dovecot)
  SMTP        $MH_HOST:$MH_SMTP_PORT    STARTTLS optional, AUTH optional, local domains only
  Submission  $MH_HOST:$MH_SUBM_PORT    STARTTLS required, AUTH (PLAIN LOGIN) required
  Cyrus IMAP  $MH_HOST:$MH_CYRUS_IMAP_PORT (STARTTLS) $MH_CYRUS_IMAPS_PORT (TLS), POP3 $MH_CYRUS_POP3_PORT / $MH_CYRUS_POP3S_PORT, LMTP $MH_CYRUS_LMTP_PORT
  Courier     $MH_HOST:$MH_COURIER_IMAP_PORT (STARTTLS) $MH_COURIER_IMAPS_PORT (TLS), POP3 $MH_COURIER_POP3_PORT / $MH_COURIER_POP3S_PORT (mail only by IMAP APPEND)
  Exim SMTP   $MH_HOST:$MH_EXIM_SMTP_PORT (STARTTLS optional, no AUTH), submission $MH_EXIM_SUBM_PORT (STARTTLS + AUTH required); delivers to Dovecot over LMTP
  OpenDKIM    $MH_HOST:$MH_OPENDKIM_PORT  verify-mode milter on Postfix submission: "Authentication-Results: $MH_AUTHSERV_ID; dkim=..."
              signing keys $MH_OPENDKIM_DIR/rsa.pem (s=$MH_DKIM_RSA_SELECTOR), ed25519.pem (s=$MH_DKIM_ED25519_SELECTOR), d= any local domain
  PostgreSQL  $MH_HOST:$MH_POSTGRES_PORT database $MH_POSTGRES_DB, user $MH_POSTGRES_USER / $MH_POSTGRES_PASSWORD (jdbc:postgresql://$MH_HOST:$MH_POSTGRES_PORT/$MH_POSTGRES_DB)
  Local domains: $DOMAINS   (anything else: 554 Relay access denied)
  Users (address / password):
EOF
for u in $MH_USERS; do printf '    %-28s %s\n' "${u%%:*}" "${u#*:}"; done
cat <<EOF
  TLS cert (CN=localhost, SAN localhost,127.0.0.1): $MH_TLS/ca.pem
  Java truststores (password $MH_STOREPASS): $MH_TLS/truststore.p12  $MH_TLS/truststore.jks
  Logs: $MH_LOG/dovecot.log  $MH_LOG/postfix.log  $MH_LOG/courier-*.log  $MH_LOG/exim-{main,reject,panic}.log  $MH_LOG/postgres.log (Cyrus logs to syslog only)
  Test settings: $MH_DIR/harness.env
EOF
