#!/usr/bin/env bash
# Builds a self-contained mbmpo bundle (static Swift runtime + the shared libraries it links + the models) in
# dist/mbmpo-bundle, for running on another x86-64 Linux machine (glibc ≥ 2.34) without installing anything.
# Run it as: dist/mbmpo-bundle/mbmpo train ... (dist/mbmpo-bundle.tar.xz is the same, packed)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product mbmpo --static-swift-stdlib -Xlinker --disable-new-dtags \
  --scratch-path .build-static 2>&1 | grep -E "error|warning: unre|Compiling|Build" | tail -3
out=dist/mbmpo-bundle
rm -rf "$out" && mkdir -p "$out/lib" "$out/share/mbmpo"
strip -o "$out/mbmpo.bin" .build-static/release/mbmpo
cp -r Assets/xml "$out/share/mbmpo/xml"
ldd "$out/mbmpo.bin" | awk '/=> \//{print $3}' \
  | grep -vE '/(libc|libm|libdl|libpthread|librt|libresolv)\.so|ld-linux' | xargs -I{} cp -L {} "$out/lib/"
# OpenBLAS picks its kernels at run time (DYNAMIC_ARCH); it needs gfortran/quadmath from the same folder
cat > "$out/mbmpo" <<'SH'
#!/usr/bin/env bash
here=$(cd "$(dirname "$0")" && pwd)
export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export MBMPO_ASSETS="${MBMPO_ASSETS:-$here/share/mbmpo/xml}"
exec "$here/mbmpo.bin" "$@"
SH
chmod +x "$out/mbmpo"
tar -C dist -cJf dist/mbmpo-bundle.tar.xz mbmpo-bundle
du -sh "$out" dist/mbmpo-bundle.tar.xz
