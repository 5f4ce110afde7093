#!/bin/sh
# An example /usr/sbin/policy-rc.d (see README.policy-rc.d in init-system-
# helpers) for a machine where ninetd runs under systemd. update-inetd asks
# invoke-rc.d to restart the super-server when a package adds a service, which
# systemd does by closing every listener; with this policy invoke-rc.d runs
# `systemctl reload ninetd.service` instead, and no queued connection is lost.
# Every other request is allowed, as with no policy at all. A site that has a
# policy-rc.d already adds the ninetd case to its own.
while [ $# -gt 0 ]; do
  case "$1" in
    --*) shift ;;
    *) break ;;
  esac
done
if [ "${1:-}" = ninetd ] && [ "${2:-}" = restart ]; then
  echo reload
  exit 106
fi
exit 104
