// RtMidi's C API (Debian librtmidi-dev, Homebrew rtmidi): ALSA sequencer and JACK on
// Linux, CoreMIDI on macOS. pkg-config adds the include folder.
#ifndef BATON_CRTMIDI_SHIM_H
#define BATON_CRTMIDI_SHIM_H
#include <rtmidi_c.h>
#endif
