#!/bin/sh
# A demo server: greets the client by the address ninetd put in the environment.
printf 'Hello %s, port %s. You reached %s on %s:%s.\r\n' \
  "${TCPREMOTEIP:-${TCP6REMOTEIP:-?}}" "${TCPREMOTEPORT:-${TCP6REMOTEPORT:-?}}" \
  "$(hostname)" "${TCPLOCALIP:-${TCP6LOCALIP:-?}}" "${TCPLOCALPORT:-${TCP6LOCALPORT:-?}}"
