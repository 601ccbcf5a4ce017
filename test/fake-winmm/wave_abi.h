/*
 * winmm's wave ABI as the fake winmm uses it (tapi-reference.md §15): WAVEFORMATEX (18 bytes, pack(1), the same on
 * x86 and x64), WAVEHDR (pointer-sized lpData, dwUser, lpNext, reserved: 48 bytes on x64, 32 on x86), MMRESULT codes
 * and the flags of §15.4. Fixed-width types only; every export is WINAPI (fake_export.h of the fake Tapi32).
 */
#ifndef FAKE_WINMM_WAVE_ABI_H
#define FAKE_WINMM_WAVE_ABI_H

#include <stddef.h>
#include <stdint.h>

#pragma pack(push, 1)
typedef struct WAVEFORMATEX {
    uint16_t wFormatTag;
    uint16_t nChannels;
    uint32_t nSamplesPerSec;
    uint32_t nAvgBytesPerSec;
    uint16_t nBlockAlign;
    uint16_t wBitsPerSample;
    uint16_t cbSize;
} WAVEFORMATEX;
#pragma pack(pop)
_Static_assert(sizeof(WAVEFORMATEX) == 18, "sizeof WAVEFORMATEX");
_Static_assert(offsetof(WAVEFORMATEX, cbSize) == 16, "WAVEFORMATEX.cbSize");

/* pack(1) and natural alignment agree here (§15.3). */
typedef struct WAVEHDR {
    char *lpData;
    uint32_t dwBufferLength;
    uint32_t dwBytesRecorded;
    uintptr_t dwUser;
    uint32_t dwFlags;
    uint32_t dwLoops;
    struct WAVEHDR *lpNext;
    uintptr_t reserved;
} WAVEHDR;
_Static_assert(sizeof(WAVEHDR) == 4 * sizeof(void *) + 16, "sizeof WAVEHDR: 48 on x64, 32 on x86");
_Static_assert(offsetof(WAVEHDR, dwFlags) == 2 * sizeof(void *) + 8, "WAVEHDR.dwFlags: +24 x64, +16 x86");

typedef uint32_t MMRESULT;

#define MMSYSERR_NOERROR 0u
#define MMSYSERR_ERROR 1u
#define MMSYSERR_BADDEVICEID 2u
#define MMSYSERR_ALLOCATED 4u
#define MMSYSERR_INVALHANDLE 5u
#define MMSYSERR_NOMEM 7u
#define MMSYSERR_NOTSUPPORTED 8u
#define MMSYSERR_INVALFLAG 10u
#define MMSYSERR_INVALPARAM 11u
#define WAVERR_BADFORMAT 32u
#define WAVERR_STILLPLAYING 33u
#define WAVERR_UNPREPARED 34u

#define WAVE_MAPPER 0xFFFFFFFFu
#define WAVE_FORMAT_QUERY 0x1u
#define WAVE_ALLOWSYNC 0x2u
#define WAVE_MAPPED 0x4u
#define WAVE_FORMAT_DIRECT 0x8u
#define CALLBACK_TYPEMASK 0x00070000u
#define CALLBACK_NULL 0x0u

#define WHDR_DONE 0x1u
#define WHDR_PREPARED 0x2u
#define WHDR_INQUEUE 0x10u

#define WAVE_FORMAT_PCM 1u
#define WAVE_FORMAT_ALAW 6u
#define WAVE_FORMAT_MULAW 7u

#endif
