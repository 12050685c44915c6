#!/bin/bash
# The command of each container of the multi-node demo: starts munged, then the one Slurm daemon
# this container plays in the foreground, so the container lives as long as the daemon.
#   entrypoint.sh slurmctld    the controller (and the submit host: sbatch, squeue)
#   entrypoint.sh slurmd       a compute node, named by the container's hostname (c1, c2)
set -euo pipefail

role="${1:-}"

start_munge() {
  install -d -o munge -g munge -m 0755 /run/munge
  runuser -u munge -- /usr/sbin/munged
}

case "$role" in
  slurmctld)
    start_munge
    install -d -o slurm -g slurm -m 0755 /var/lib/slurm/slurmctld /var/log/slurm
    exec /usr/sbin/slurmctld -D -i
    ;;
  slurmd)
    start_munge
    install -d -m 0755 /var/lib/slurm/slurmd /var/log/slurm
    exec /usr/sbin/slurmd -D -N "$(hostname -s)"
    ;;
  *)
    echo "usage: $0 slurmctld | slurmd" >&2
    exit 2
    ;;
esac
