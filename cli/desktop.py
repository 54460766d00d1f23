"""Before Qt starts on an X11 desktop: find the system libraries its xcb plugin needs, and name the packages
that provide the missing ones. Without this, Qt only says that no platform plugin could be initialised."""

from __future__ import annotations

import ctypes.util
import os
import sys

from common.optional import bundle_dir

# (library as the linker knows it, Debian/Ubuntu package, Fedora package)
XCB_LIBRARIES = (
    ("xcb-cursor", "libxcb-cursor0", "xcb-util-cursor"),
    ("xcb-icccm", "libxcb-icccm4", "xcb-util-wm"),
    ("xcb-keysyms", "libxcb-keysyms1", "xcb-util-keysyms"),
    ("xcb-image", "libxcb-image0", "xcb-util-image"),
    ("xcb-render-util", "libxcb-render-util0", "xcb-util-renderutil"),
    ("xcb-shape", "libxcb-shape0", "libxcb"),
    ("xcb-xkb", "libxcb-xkb1", "libxcb"),
    ("xcb-randr", "libxcb-randr0", "libxcb"),
    ("xkbcommon-x11", "libxkbcommon-x11-0", "libxkbcommon-x11"),
    ("xcb", "libxcb1", "libxcb"),
)


def uses_xcb() -> bool:
    """Qt will pick its X11 (xcb) plugin: Linux, a DISPLAY, and no other platform asked for."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    return sys.platform.startswith("linux") and bool(os.environ.get("DISPLAY")) and platform in ("", "xcb") \
        and not (os.environ.get("WAYLAND_DISPLAY") and not platform)


def missing_xcb_libraries() -> list[tuple[str, str, str]]:
    """Those neither the system nor a bundled app (which carries what its build machine had) provides."""
    shipped = bundle_dir()

    def carried(name: str) -> bool:
        return shipped is not None and any(shipped.glob(f"lib{name}.so*"))

    return [entry for entry in XCB_LIBRARIES if ctypes.util.find_library(entry[0]) is None and not carried(entry[0])]


def xcb_message(missing: list[tuple[str, str, str]]) -> str:
    apt = " ".join(dict.fromkeys(m[1] for m in missing))
    dnf = " ".join(dict.fromkeys(m[2] for m in missing))
    return ("Hearth's window needs system libraries this desktop lacks: "
            + ", ".join(f"lib{m[0]}" for m in missing) + ".\n"
            f"  Debian/Ubuntu: sudo apt-get install {apt}\n"
            f"  Fedora:        sudo dnf install {dnf}\n"
            "Then start Hearth again. (`hearth demo` works without a window.)")
