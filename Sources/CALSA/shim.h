// libasound2 (ALSA) for capture devices. Install with: apt-get install libasound2-dev
#ifndef CALSA_SHIM_H
#define CALSA_SHIM_H
#include <alsa/asoundlib.h>
#endif
