#!/usr/bin/env bash
# Builds the release binary with the Swift runtime linked statically, then the image's root
# filesystem (.build-image/rootfs: the Debian packages of every shared library the binary needs,
# extracted with dpkg -x, plus the binary) and, when docker/podman/buildah is installed, the image
# from the Containerfile. `scripts/image-test.sh` proves the root filesystem works.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null || export PATH=/opt/swift/usr/bin:$PATH
out=.build-image
mkdir -p "$out"
swift build -c release --static-swift-stdlib --product kpx-reconcile --scratch-path .build-release >"$out/build.log" 2>&1 \
  || { tail -30 "$out/build.log" >&2; exit 1; }
cp .build-release/release/kpx-reconcile "$out/kpx-reconcile"
strip "$out/kpx-reconcile" 2>/dev/null || true

# The root filesystem: the packages that hold the binary's shared libraries (and the loader).
rootfs=$out/rootfs
rm -rf "$rootfs" "$out/debs"
mkdir -p "$rootfs/usr/local/bin" "$out/debs"
libs=$(ldd "$out/kpx-reconcile" | awk '/=>/ {print $3} /ld-linux/ {print $1}' | sort -u)
packages=$(for lib in $libs; do dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib"; done | cut -d: -f1 | sort -u)
echo "runtime packages: $packages"
(cd "$out/debs" && apt-get download $packages >/dev/null)
for deb in "$out"/debs/*.deb; do dpkg -x "$deb" "$rootfs"; done
# Debian 12 is merged-/usr: the loader is found through /lib64 -> usr/lib64.
for dir in lib lib64; do
  if [ -d "$rootfs/usr/$dir" ] && [ ! -e "$rootfs/$dir" ]; then ln -s "usr/$dir" "$rootfs/$dir"; fi
done
cp "$out/kpx-reconcile" "$rootfs/usr/local/bin/kpx-reconcile"
echo "rootfs: $rootfs ($(du -sh "$rootfs" | cut -f1))"

for engine in podman docker buildah; do
  if command -v "$engine" >/dev/null && "$engine" info >/dev/null 2>&1; then
    "$engine" build -f Containerfile -t "kpx-reconcile:$("$out/kpx-reconcile" --version | cut -d' ' -f1)" .
    break
  fi
done
