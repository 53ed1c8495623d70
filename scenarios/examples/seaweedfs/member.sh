#!/bin/sh
# member.sh runs one SeaweedFS member in a private mount namespace in which
# the other members' names resolve to the toxiproxy proxies in front of
# them: with one hosts file per member, every member-to-member connection
# goes through its own proxy, so that a partition cuts exactly the pairs it
# names. (A SeaweedFS member's name is its identity: peers cannot be given
# one address each in its flags.) The member's own name is 127.0.0.1; its
# own traffic goes over sockets in /tmp named by port, which no cut touches.
#
#   member.sh DATA_DIR "NAME IP" … -- WEED ARGS…
#
# The member keeps this process (unshare and sh exec), so faultdrill's
# signals reach it. Without root, unprivileged user namespaces are needed.
set -eu
data=$1
shift
mkdir -p "$data/master" "$data/volume"
{
  echo "127.0.0.1 localhost"
  while [ "$1" != "--" ]; do
    echo "$1"
    shift
  done
} >"$data/hosts"
shift
as_root=
[ "$(id -u)" = 0 ] || as_root="--user --map-root-user"
# shellcheck disable=SC2086 # as_root is two words or none
exec unshare $as_root --mount --propagation private -- sh -c \
  'mount --bind "$0" /etc/hosts && exec "$@"' "$data/hosts" "$@"
