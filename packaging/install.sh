#!/bin/sh
# Add Hearth to this user's application menu and PATH. Hearth itself stays in this folder; nothing is downloaded.
# Undo: ./install.sh --remove
set -eu
here=$(cd "$(dirname "$0")" && pwd)
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
bin="$HOME/.local/bin"
if [ "${1:-}" = "--remove" ]; then
    rm -f "$apps/hearth.desktop" "$icons/hearth.png" "$bin/hearth"
    echo "Hearth removed from the menu and PATH (this folder and your data are left as they are)."
    exit 0
fi
mkdir -p "$apps" "$icons" "$bin"
cp "$here/hearth.png" "$icons/hearth.png"
sed "s|^Exec=hearth|Exec=\"$here/hearth\"|; s|^Icon=hearth|Icon=$icons/hearth.png|" "$here/hearth.desktop" > "$apps/hearth.desktop.tmp"
mv "$apps/hearth.desktop.tmp" "$apps/hearth.desktop"
ln -sf "$here/hearth" "$bin/hearth"
echo "Hearth is in your application menu, and \`hearth\` is in $bin."
