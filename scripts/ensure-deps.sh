#!/usr/bin/env bash
# Installs the system packages kpx-reconcile builds and tests against, when missing (Debian 12, root).
set -euo pipefail
packages=(libmnl-dev libnftnl-dev iptables nftables iproute2 ipset nfacct conntrack pkg-config python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! iptables --version | grep -q nf_tables; then
  update-alternatives --set iptables /usr/sbin/iptables-nft >/dev/null
  update-alternatives --set ip6tables /usr/sbin/ip6tables-nft >/dev/null
fi
if ! command -v swift >/dev/null; then
  for d in /opt/swift/usr/bin /usr/share/swift/usr/bin; do [ -x "$d/swift" ] && export PATH="$d:$PATH"; done
  command -v swift >/dev/null || { echo "error: a Swift 6.1+ toolchain must be on PATH" >&2; exit 1; }
fi
