/* Test-control exports of the fake winmm (prefix fake_winmm_, cdecl). Not part of winmm. */
#ifndef FAKE_WINMM_CONTROL_H
#define FAKE_WINMM_CONTROL_H

#include <stdint.h>

typedef struct fake_winmm_outstanding_t {
    uint32_t open_out;        /* HWAVEOUTs not closed */
    uint32_t open_in;         /* HWAVEINs not closed */
    uint32_t prepared;        /* headers prepared and not unprepared (every device) */
    uint32_t queued;          /* headers written / added and not yet done */
    uint32_t misuse;          /* ABI misuse: wrong cbwh, callbacks, NULL pointers, unaligned buffers, bad handles */
    uint32_t underruns;       /* a buffer written after the previous one had ended, while the device was playing */
    uint32_t queries;         /* WAVE_FORMAT_QUERY calls */
    uint32_t opens;           /* real opens */
    uint32_t last_open_flags; /* fdwOpen of the last real open */
    uint32_t dropped_in;      /* samples the input device had to drop: no buffer added */
    uint64_t gap_ns;          /* total silence of the underruns */
} fake_winmm_outstanding_t;

#endif
