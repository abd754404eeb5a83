// kissfft's real-input FFT, float build (pkg-config kissfft-float defines kiss_fft_scalar=float).
#include <kiss_fftr.h>
