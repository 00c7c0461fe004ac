#!/bin/sh
# Install CoLiv Desktop for the current user, from the app folder this script is in:
#   ./install.sh            copy the folder to ~/.local/lib/coliv-desktop, add `coliv` to
#                           ~/.local/bin, the menu entry and the icons
#   ./install.sh --remove   take them away again (the books in ~/.local/share/CoLiv stay)
# Nothing here needs root. XDG_DATA_HOME and PREFIX (default ~/.local) are honoured.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
app_dir=$prefix/lib/coliv-desktop
bin=$prefix/bin/coliv
desktop=$data_home/applications/coliv.desktop

if [ "${1:-}" = "--remove" ]; then
  rm -rf "$app_dir" "$bin" "$desktop"
  for size in 16 24 32 48 64 128 256 512; do
    rm -f "$data_home/icons/hicolor/${size}x${size}/apps/coliv.png"
  done
  echo "CoLiv Desktop removed (your data in $data_home/CoLiv is untouched)."
  exit 0
fi

[ -x "$here/coliv" ] || { echo "run this script from the CoLiv app folder" >&2; exit 1; }
mkdir -p "$prefix/lib" "$prefix/bin" "$data_home/applications"
if [ "$here" != "$app_dir" ]; then
  rm -rf "$app_dir.new"
  cp -a "$here" "$app_dir.new"
  rm -rf "$app_dir"
  mv "$app_dir.new" "$app_dir"
fi
ln -sf "$app_dir/coliv" "$bin"
icons=$app_dir/_internal/resources/icons/app
for size in 16 24 32 48 64 128 256 512; do
  mkdir -p "$data_home/icons/hicolor/${size}x${size}/apps"
  cp "$icons/coliv-$size.png" "$data_home/icons/hicolor/${size}x${size}/apps/coliv.png"
done
# The menu entry starts this copy by its full path: ~/.local/bin is not on every PATH.
sed "s|^Exec=coliv|Exec=$app_dir/coliv|" "$app_dir/coliv.desktop" > "$desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data_home/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data_home/icons/hicolor" || true
echo "CoLiv Desktop installed: $app_dir (menu entry and 'coliv' in $prefix/bin)."
