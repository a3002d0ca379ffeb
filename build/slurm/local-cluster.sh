#!/usr/bin/env bash
# A single-node Slurm on this host, for the Cluster test tier and for trying `verify sweep slurm`.
#
#   build/slurm/local-cluster.sh start    install slurm-wlm and munge when missing (apt), start munged,
#                                         slurmctld and slurmd, wait until the node is idle
#   build/slurm/local-cluster.sh stop     stop the daemons this script started (munged too, if it started it), remove its state
#   build/slurm/local-cluster.sh status   sinfo, or why not
#
# Runs as root (it installs packages and starts the daemons as root). Measured on Debian 12 with
# Slurm 22.05: it starts with ProctrackType=proctrack/linuxproc, TaskPlugin=task/none (no cgroups
# needed, so it also runs in a container), SelectType=select/cons_tres, the state and spool folders
# under $VERIFY_SLURM_DIR (default /tmp/verify-slurm), and munged started with --force.
# The configuration is $VERIFY_SLURM_DIR/slurm.conf; /etc/slurm/slurm.conf is linked to it when that
# file does not exist yet, so sbatch, squeue and sinfo find it in any shell (otherwise export
# SLURM_CONF=$VERIFY_SLURM_DIR/slurm.conf). An existing Slurm configuration is never changed.
set -euo pipefail

DIR="${VERIFY_SLURM_DIR:-/tmp/verify-slurm}"
CONF="$DIR/slurm.conf"
ETC_CONF=/etc/slurm/slurm.conf
NODE="$(hostname -s)"

say() { echo "local-cluster: $*" >&2; }
die() { say "error: $*"; exit 1; }

install_packages() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null && command -v munged >/dev/null; then
    return
  fi
  [ "$(id -u)" = 0 ] || die "slurm-wlm and munge are not installed and this is not root; install them (apt-get install slurm-wlm munge) or run as root."
  command -v apt-get >/dev/null || die "slurm-wlm and munge are not installed and there is no apt-get to install them."
  say "installing slurm-wlm and munge with apt-get ..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >&2
}

start_munge() {
  if [ ! -s /etc/munge/munge.key ]; then
    say "creating /etc/munge/munge.key"
    if command -v mungekey >/dev/null; then mungekey --create --force >&2; else create-munge-key -f >&2; fi
    chown munge:munge /etc/munge/munge.key 2>/dev/null || true
    chmod 400 /etc/munge/munge.key
  fi
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then return; fi
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
  # --force: start even where munged's checks of folder ownership fail (root in a container).
  munged --force >&2 || die "munged did not start (see /var/log/munge/munged.log)."
  touch "$DIR/munged.ours" # stop ends the munged this script started, and only that one
  for _ in $(seq 20); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return; sleep 0.5; done
  die "munged started but does not answer."
}

write_config() {
  local cpus mem
  cpus="$(nproc)"
  # RealMemory in MB, a little below what the machine has so slurmd never drains the node.
  mem="$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)"
  mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log"
  cat > "$CONF" <<EOF
# Written by build/slurm/local-cluster.sh: a single-node Slurm for verify's Cluster tests.
ClusterName=verify
SlurmctldHost=$NODE
AuthType=auth/munge
CryptoType=crypto/munge
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MaxArraySize=100001
MaxJobCount=200000
SlurmctldTimeout=30
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
MinJobAge=30
NodeName=$NODE CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  if [ ! -e "$ETC_CONF" ] || [ "$(readlink "$ETC_CONF" || true)" = "$CONF" ]; then
    mkdir -p /etc/slurm
    ln -sfn "$CONF" "$ETC_CONF"
  elif ! cmp -s "$ETC_CONF" "$CONF"; then
    say "note: $ETC_CONF exists and is not ours; run 'export SLURM_CONF=$CONF' before sbatch, squeue and sinfo."
  fi
}

running() { [ -f "$1" ] && kill -0 "$(cat "$1" 2>/dev/null)" 2>/dev/null; }

start() {
  install_packages
  mkdir -p "$DIR"
  start_munge
  write_config
  export SLURM_CONF="$CONF"
  running "$DIR/slurmctld.pid" || slurmctld -f "$CONF" >&2 || die "slurmctld did not start; see $DIR/log/slurmctld.log."
  running "$DIR/slurmd.pid" || slurmd -f "$CONF" >&2 || die "slurmd did not start; see $DIR/log/slurmd.log."
  for _ in $(seq 60); do
    state="$(sinfo -h -n "$NODE" -o %t 2>/dev/null || true)"
    case "$state" in
      idle*|mix*|alloc*) say "node $NODE is $state; SLURM_CONF=$CONF"; sinfo >&2; return ;;
      down*|drain*) scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true ;;
    esac
    sleep 1
  done
  die "the node did not become idle within 60 s (state '${state:-none}'); see $DIR/log/."
}

stop() {
  export SLURM_CONF="$CONF"
  for daemon in slurmd slurmctld; do
    if running "$DIR/$daemon.pid"; then
      kill "$(cat "$DIR/$daemon.pid" 2>/dev/null)" 2>/dev/null || true
      for _ in $(seq 30); do running "$DIR/$daemon.pid" || break; sleep 0.5; done
    fi
  done
  [ "$(readlink "$ETC_CONF" 2>/dev/null || true)" = "$CONF" ] && rm -f "$ETC_CONF"
  if [ -f "$DIR/munged.ours" ] && running /run/munge/munged.pid; then
    kill "$(cat /run/munge/munged.pid)"
    say "stopped munged (started by this script)."
  fi
  rm -rf "$DIR"
  say "stopped."
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) SLURM_CONF="$CONF" sinfo ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
