#!/bin/sh
# Adds BrokerDesk to this user's application menu (no root needed): the .desktop file, pointing
# at this folder, and the icon. Run it from the unpacked folder: ./install-desktop-entry.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
mkdir -p "$apps" "$icons"
cp "$here/broker-desk.png" "$icons/broker-desk.png"
sed "s|^Exec=BrokerDesk|Exec=\"$here/BrokerDesk\"|" "$here/broker-desk.desktop" > "$apps/broker-desk.desktop"
echo "BrokerDesk added to the application menu: $apps/broker-desk.desktop"
