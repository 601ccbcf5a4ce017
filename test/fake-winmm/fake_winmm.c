/*
 * fake winmm: the waveOut* / waveIn* exports of winmm.dll (tapi-reference.md §15) for the win32 media provider's
 * tests, built like the fake Tapi32 (Linux gcc, mingw-w64 x86_64 / i686; undecorated __stdcall exports).
 *
 * - Real WAVEHDR handling: headers must be prepared before they are written / added (WAVERR_UNPREPARED), cannot be
 *   unprepared while queued (WAVERR_STILLPLAYING), a device with queued buffers cannot be closed (STILLPLAYING).
 *   The data stays where the caller put it: the device thread reads lpData and writes dwFlags / dwBytesRecorded
 *   later, from its own thread, so memory the caller frees too early is caught.
 * - waveOut plays in real time at the format's rate: a buffer starts when the previous one ends (or when it is
 *   written, if the device had run dry: an underrun), and is marked WHDR_DONE when its duration has elapsed.
 *   Every buffer played is captured with its start and end (CLOCK_MONOTONIC ns); waveOutReset stops at once and
 *   captures the part of the running buffer that was played.
 * - waveIn fills the added buffers at the format's rate from the samples fake_winmm_feed gave the device, and
 *   with silence when there are none.
 * - WAVE_FORMAT_QUERY accepts 8 kHz mono 16-bit PCM, µ-law and A-law, or the subset fake_winmm_accept_formats
 *   leaves; anything else is WAVERR_BADFORMAT. Only CALLBACK_NULL is accepted (the package never takes a winmm
 *   callback, §15.5): any callback type counts as misuse.
 * - Handles are pointer-sized values above 4 GiB on x64, so a caller that truncates them to 32 bits is caught.
 *
 * One global mutex guards everything; one device thread runs playback and capture.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fake_export.h"
#include "fake_winmm_control.h"
#include "wave_abi.h"

#define MAX_HANDLES 16
#define MAX_IDS 8
#define QUEUE_MAX 64
#define IN_TICK_NS 5000000ull

#if UINTPTR_MAX > 0xFFFFFFFFu
#define HANDLE_BASE ((uintptr_t)0x00007A5500000000ull)
#else
#define HANDLE_BASE ((uintptr_t)0x7A550000u)
#endif

typedef struct {
    uint64_t start_ns, end_ns;
    uint32_t offset, bytes; /* into the device's capture bytes */
    uint32_t tag;
} frame_t;

typedef struct {
    uint8_t *bytes;
    size_t len, cap;
    frame_t *frames;
    size_t nframes, framecap;
} capture_t;

typedef struct {
    int16_t *s;
    size_t len, pos, cap;
} feed_t;

typedef struct {
    int used, is_in;
    uintptr_t h;
    uint32_t id; /* device position (WAVE_MAPPER opens device 0) */
    WAVEFORMATEX fmt;
    WAVEHDR *q[QUEUE_MAX];
    size_t qhead, qlen;
    /* out */
    uint64_t head_start_ns; /* when the head buffer started (virtual: the previous buffer's end) */
    uint64_t last_end_ns;
    int played_any; /* since open or reset: a later write after a gap is an underrun */
    /* in */
    int started;
    uint64_t in_started_ns, in_samples_done;
} wdev_t;

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_thread_started;

static wdev_t g_devs[MAX_HANDLES];
static uintptr_t g_next_handle;
static capture_t g_capture[MAX_IDS];
static feed_t g_feed[MAX_IDS];
static uint32_t g_num_out, g_num_in;
static uint32_t g_accept_mask;
static uint32_t g_held_out, g_held_in; /* device bits "in use by another application" */
static uint32_t g_prepared, g_misuse, g_underruns, g_queries, g_opens, g_last_open_flags, g_dropped_in;
static uint64_t g_gap_ns;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* pthread_cond_timedwait deadline for the CLOCK_MONOTONIC instant `due` (winpthreads waits against
 * CLOCK_REALTIME, as in the fake Tapi32's cond_deadline). */
static struct timespec deadline(uint64_t due) {
#ifdef _WIN32
    uint64_t now = now_ns();
    uint64_t left = due > now ? due - now : 0;
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    uint64_t at = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec + left;
#else
    uint64_t at = due;
#endif
    struct timespec ts = {(time_t)(at / 1000000000ull), (long)(at % 1000000000ull)};
    return ts;
}

static void reset_config(void) {
    g_num_out = g_num_in = 2;
    g_accept_mask = (1u << WAVE_FORMAT_PCM) | (1u << WAVE_FORMAT_MULAW) | (1u << WAVE_FORMAT_ALAW);
    g_held_out = g_held_in = 0;
    g_prepared = g_misuse = g_underruns = g_queries = g_opens = g_last_open_flags = g_dropped_in = 0;
    g_gap_ns = 0;
    g_next_handle = HANDLE_BASE;
}

static void init_once(void) {
#ifdef _WIN32
    pthread_cond_init(&g_cv, NULL);
#else
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&g_cv, &ca);
    pthread_condattr_destroy(&ca);
#endif
    reset_config();
}

static void enter(void) {
    pthread_once(&g_once, init_once);
    pthread_mutex_lock(&g_mu);
}

static MMRESULT leave(MMRESULT rc) {
    pthread_mutex_unlock(&g_mu);
    return rc;
}

static MMRESULT misused(MMRESULT rc) {
    g_misuse++;
    return rc;
}

/* ---- G.711 (ITU-T G.711 segment encoding), for the input devices opened in µ-law / A-law ---------------------- */

static uint8_t mulaw_of(int16_t x) {
    int sign = x < 0 ? 0x80 : 0;
    int v = x < 0 ? -(int)x : x;
    if (v > 32635) v = 32635;
    v += 0x84;
    int seg = 7;
    while (seg > 0 && !(v & (0x80 << seg))) seg--;
    return (uint8_t)~(sign | (seg << 4) | ((v >> (seg + 3)) & 0x0F));
}

static uint8_t alaw_of(int16_t x) {
    int sign = x >= 0 ? 0x80 : 0;
    int mag = (x >= 0 ? x : ~x) >> 3;
    int seg = 0;
    while (seg < 8 && mag > (0x1F << seg)) seg++;
    if (seg == 8) return (uint8_t)((sign | 0x7F) ^ 0x55);
    int mant = (mag >> (seg ? seg : 1)) & 0x0F;
    return (uint8_t)((sign | (seg << 4) | mant) ^ 0x55);
}

/* ---- devices ------------------------------------------------------------------------------------------------ */

static wdev_t *find(uintptr_t h, int is_in) {
    if (!h) return NULL;
    for (int i = 0; i < MAX_HANDLES; i++)
        if (g_devs[i].used && g_devs[i].h == h && g_devs[i].is_in == is_in) return &g_devs[i];
    return NULL;
}

static int format_ok(const WAVEFORMATEX *f) {
    if (f->nChannels != 1 || f->nSamplesPerSec != 8000) return 0;
    if (f->wFormatTag >= 32 || !(g_accept_mask & (1u << f->wFormatTag))) return 0;
    if (f->wFormatTag == WAVE_FORMAT_PCM) return f->wBitsPerSample == 16 && f->nBlockAlign == 2 && f->nAvgBytesPerSec == 16000;
    if (f->wFormatTag == WAVE_FORMAT_MULAW || f->wFormatTag == WAVE_FORMAT_ALAW)
        return f->wBitsPerSample == 8 && f->nBlockAlign == 1 && f->nAvgBytesPerSec == 8000;
    return 0;
}

static void capture_append(uint32_t id, const uint8_t *data, uint32_t bytes, uint64_t start, uint64_t end, uint32_t tag) {
    if (id >= MAX_IDS) return;
    capture_t *c = &g_capture[id];
    if (c->len + bytes > c->cap) {
        size_t ncap = c->cap ? c->cap : 65536;
        while (ncap < c->len + bytes) ncap *= 2;
        uint8_t *nb = realloc(c->bytes, ncap);
        if (!nb) return;
        c->bytes = nb;
        c->cap = ncap;
    }
    if (c->nframes == c->framecap) {
        size_t ncap = c->framecap ? c->framecap * 2 : 256;
        frame_t *nf = realloc(c->frames, ncap * sizeof *nf);
        if (!nf) return;
        c->frames = nf;
        c->framecap = ncap;
    }
    memcpy(c->bytes + c->len, data, bytes);
    frame_t fr = {start, end, (uint32_t)c->len, bytes, tag};
    c->frames[c->nframes++] = fr;
    c->len += bytes;
}

static uint64_t duration_ns(const wdev_t *d, uint32_t bytes) {
    return (uint64_t)bytes * 1000000000ull / d->fmt.nAvgBytesPerSec;
}

static WAVEHDR *pop(wdev_t *d) {
    WAVEHDR *h = d->q[d->qhead];
    d->qhead = (d->qhead + 1) % QUEUE_MAX;
    d->qlen--;
    return h;
}

static void finish(WAVEHDR *h) { h->dwFlags = (h->dwFlags & ~WHDR_INQUEUE) | WHDR_DONE; }

/* Output: completes every buffer whose end has passed; returns the next end (0: nothing queued). */
static uint64_t run_out(wdev_t *d, uint64_t now) {
    while (d->qlen) {
        WAVEHDR *h = d->q[d->qhead];
        uint64_t end = d->head_start_ns + duration_ns(d, h->dwBufferLength);
        if (end > now) return end;
        capture_append(d->id, (const uint8_t *)h->lpData, h->dwBufferLength, d->head_start_ns, end, d->fmt.wFormatTag);
        pop(d);
        finish(h);
        d->last_end_ns = end;
        d->played_any = 1;
        d->head_start_ns = end;
    }
    return 0;
}

/* Input: fills the added buffers up to `now` from the device's feed (silence when it has none). */
static void run_in(wdev_t *d, uint64_t now) {
    if (!d->started) return;
    uint64_t due = (now - d->in_started_ns) * d->fmt.nSamplesPerSec / 1000000000ull;
    feed_t *f = d->id < MAX_IDS ? &g_feed[d->id] : NULL;
    uint32_t block = d->fmt.nBlockAlign;
    while (d->in_samples_done < due) {
        if (!d->qlen) {
            g_dropped_in += (uint32_t)(due - d->in_samples_done);
            d->in_samples_done = due;
            return;
        }
        WAVEHDR *h = d->q[d->qhead];
        uint32_t room = (h->dwBufferLength - h->dwBytesRecorded) / block;
        uint64_t want = due - d->in_samples_done;
        uint32_t n = want < room ? (uint32_t)want : room;
        uint8_t *out = (uint8_t *)h->lpData + h->dwBytesRecorded;
        for (uint32_t i = 0; i < n; i++) {
            int16_t s = 0;
            if (f && f->pos < f->len) s = f->s[f->pos++];
            if (d->fmt.wFormatTag == WAVE_FORMAT_PCM) {
                uint16_t u = (uint16_t)s;
                out[2 * i] = (uint8_t)(u & 0xFF);
                out[2 * i + 1] = (uint8_t)(u >> 8);
            } else {
                out[i] = d->fmt.wFormatTag == WAVE_FORMAT_MULAW ? mulaw_of(s) : alaw_of(s);
            }
        }
        h->dwBytesRecorded += n * block;
        d->in_samples_done += n;
        if (h->dwBytesRecorded + block > h->dwBufferLength) {
            pop(d);
            finish(h);
        }
    }
}

static void *device_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&g_mu);
    for (;;) {
        uint64_t now = now_ns();
        uint64_t next = 0;
        for (int i = 0; i < MAX_HANDLES; i++) {
            wdev_t *d = &g_devs[i];
            if (!d->used) continue;
            if (d->is_in) {
                run_in(d, now);
                if (d->started) {
                    uint64_t due = now + IN_TICK_NS;
                    if (!next || due < next) next = due;
                }
            } else {
                uint64_t end = run_out(d, now);
                if (end && (!next || end < next)) next = end;
            }
        }
        if (!next) {
            pthread_cond_wait(&g_cv, &g_mu);
        } else {
            struct timespec ts = deadline(next);
            pthread_cond_timedwait(&g_cv, &g_mu, &ts);
        }
    }
    return NULL;
}

static void ensure_thread(void) {
    if (g_thread_started) return;
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &at, device_main, NULL) == 0) g_thread_started = 1;
    pthread_attr_destroy(&at);
}

static MMRESULT open_device(int is_in, void **phandle, uint32_t uDeviceID, const WAVEFORMATEX *pwfx, uintptr_t dwCallback, uint32_t fdwOpen) {
    (void)dwCallback;
    uint32_t count = is_in ? g_num_in : g_num_out;
    if (fdwOpen & ~(WAVE_FORMAT_QUERY | WAVE_ALLOWSYNC | WAVE_MAPPED | WAVE_FORMAT_DIRECT | CALLBACK_TYPEMASK))
        return misused(MMSYSERR_INVALFLAG);
    if ((fdwOpen & CALLBACK_TYPEMASK) != CALLBACK_NULL) return misused(MMSYSERR_NOTSUPPORTED); /* §15.5: never a callback */
    if (!pwfx) return misused(MMSYSERR_INVALPARAM);
    if (uDeviceID != WAVE_MAPPER && uDeviceID >= count) return MMSYSERR_BADDEVICEID;
    uint32_t id = uDeviceID == WAVE_MAPPER ? 0 : uDeviceID;
    if (fdwOpen & WAVE_FORMAT_QUERY) {
        g_queries++;
        return format_ok(pwfx) ? MMSYSERR_NOERROR : WAVERR_BADFORMAT;
    }
    if (!phandle) return misused(MMSYSERR_INVALPARAM);
    if (!format_ok(pwfx)) return WAVERR_BADFORMAT;
    if (id < 32 && ((is_in ? g_held_in : g_held_out) & (1u << id))) return MMSYSERR_ALLOCATED;
    wdev_t *free_slot = NULL;
    for (int i = 0; i < MAX_HANDLES; i++) {
        if (g_devs[i].used && g_devs[i].is_in == is_in && g_devs[i].id == id) return MMSYSERR_ALLOCATED; /* one open per device */
        if (!g_devs[i].used && !free_slot) free_slot = &g_devs[i];
    }
    if (!free_slot) return MMSYSERR_NOMEM;
    memset(free_slot, 0, sizeof *free_slot);
    free_slot->used = 1;
    free_slot->is_in = is_in;
    free_slot->id = id;
    free_slot->fmt = *pwfx;
    g_next_handle += 0x10;
    free_slot->h = g_next_handle;
    *phandle = (void *)free_slot->h;
    g_opens++;
    g_last_open_flags = fdwOpen;
    ensure_thread();
    return MMSYSERR_NOERROR;
}

static MMRESULT check_header(WAVEHDR *pwh, uint32_t cbwh) {
    if (!pwh) return misused(MMSYSERR_INVALPARAM);
    if (cbwh != sizeof(WAVEHDR)) return misused(MMSYSERR_INVALPARAM); /* 48 on x64, 32 on x86 */
    return MMSYSERR_NOERROR;
}

static MMRESULT prepare(int is_in, void *hw, WAVEHDR *pwh, uint32_t cbwh) {
    enter();
    if (!find((uintptr_t)hw, is_in)) return leave(misused(MMSYSERR_INVALHANDLE));
    MMRESULT rc = check_header(pwh, cbwh);
    if (rc) return leave(rc);
    if (!pwh->lpData || pwh->dwBufferLength == 0) return leave(misused(MMSYSERR_INVALPARAM));
    if (pwh->dwFlags & WHDR_PREPARED) return leave(MMSYSERR_NOERROR);
    pwh->dwFlags = WHDR_PREPARED;
    g_prepared++;
    return leave(MMSYSERR_NOERROR);
}

static MMRESULT unprepare(int is_in, void *hw, WAVEHDR *pwh, uint32_t cbwh) {
    enter();
    if (!find((uintptr_t)hw, is_in)) return leave(misused(MMSYSERR_INVALHANDLE));
    MMRESULT rc = check_header(pwh, cbwh);
    if (rc) return leave(rc);
    if (pwh->dwFlags & WHDR_INQUEUE) return leave(WAVERR_STILLPLAYING);
    if (!(pwh->dwFlags & WHDR_PREPARED)) return leave(MMSYSERR_NOERROR);
    pwh->dwFlags &= ~WHDR_PREPARED;
    g_prepared--;
    return leave(MMSYSERR_NOERROR);
}

static MMRESULT enqueue(int is_in, void *hw, WAVEHDR *pwh, uint32_t cbwh) {
    enter();
    wdev_t *d = find((uintptr_t)hw, is_in);
    if (!d) return leave(misused(MMSYSERR_INVALHANDLE));
    MMRESULT rc = check_header(pwh, cbwh);
    if (rc) return leave(rc);
    if (!(pwh->dwFlags & WHDR_PREPARED)) return leave(WAVERR_UNPREPARED);
    if (pwh->dwFlags & WHDR_INQUEUE) return leave(WAVERR_STILLPLAYING);
    if (pwh->dwBufferLength % d->fmt.nBlockAlign) return leave(misused(MMSYSERR_INVALPARAM)); /* whole blocks (§15.2) */
    if (d->qlen == QUEUE_MAX) return leave(MMSYSERR_NOMEM);
    uint64_t now = now_ns();
    if (!is_in) {
        run_out(d, now);
        if (!d->qlen) {
            if (d->played_any && now > d->last_end_ns) {
                g_underruns++;
                g_gap_ns += now - d->last_end_ns;
            }
            d->head_start_ns = now > d->last_end_ns ? now : d->last_end_ns;
        }
    } else {
        pwh->dwBytesRecorded = 0;
    }
    pwh->dwFlags = (pwh->dwFlags & ~WHDR_DONE) | WHDR_INQUEUE;
    d->q[(d->qhead + d->qlen) % QUEUE_MAX] = pwh;
    d->qlen++;
    pthread_cond_signal(&g_cv);
    return leave(MMSYSERR_NOERROR);
}

/* waveOutReset / waveInReset: stop at once, every queued buffer comes back DONE. */
static void reset_locked(wdev_t *d) {
    uint64_t now = now_ns();
    if (!d->is_in) {
        run_out(d, now);
        if (d->qlen && now > d->head_start_ns) {
            WAVEHDR *h = d->q[d->qhead];
            uint64_t played = (now - d->head_start_ns) * d->fmt.nAvgBytesPerSec / 1000000000ull;
            played -= played % d->fmt.nBlockAlign;
            if (played > h->dwBufferLength) played = h->dwBufferLength;
            if (played) capture_append(d->id, (const uint8_t *)h->lpData, (uint32_t)played, d->head_start_ns, now, d->fmt.wFormatTag);
        }
        d->played_any = 0;
        d->last_end_ns = now;
    } else {
        run_in(d, now);
        d->started = 0;
    }
    while (d->qlen) finish(pop(d));
}

static MMRESULT reset_device(int is_in, void *hw) {
    enter();
    wdev_t *d = find((uintptr_t)hw, is_in);
    if (!d) return leave(misused(MMSYSERR_INVALHANDLE));
    reset_locked(d);
    return leave(MMSYSERR_NOERROR);
}

static MMRESULT close_device(int is_in, void *hw) {
    enter();
    wdev_t *d = find((uintptr_t)hw, is_in);
    if (!d) return leave(misused(MMSYSERR_INVALHANDLE));
    if (!is_in) run_out(d, now_ns());
    if (d->qlen) return leave(WAVERR_STILLPLAYING);
    d->used = 0;
    return leave(MMSYSERR_NOERROR);
}

/* ---- winmm exports (§15.1) --------------------------------------------------------------------------------- */

TAPI_EXPORT MMRESULT TAPI_CALL waveOutOpen(void **phwo, uint32_t uDeviceID, const WAVEFORMATEX *pwfx, uintptr_t dwCallback,
                                           uintptr_t dwInstance, uint32_t fdwOpen) {
    (void)dwInstance;
    enter();
    return leave(open_device(0, phwo, uDeviceID, pwfx, dwCallback, fdwOpen));
}
TAPI_EXPORT MMRESULT TAPI_CALL waveOutPrepareHeader(void *hwo, WAVEHDR *pwh, uint32_t cbwh) { return prepare(0, hwo, pwh, cbwh); }
TAPI_EXPORT MMRESULT TAPI_CALL waveOutUnprepareHeader(void *hwo, WAVEHDR *pwh, uint32_t cbwh) { return unprepare(0, hwo, pwh, cbwh); }
TAPI_EXPORT MMRESULT TAPI_CALL waveOutWrite(void *hwo, WAVEHDR *pwh, uint32_t cbwh) { return enqueue(0, hwo, pwh, cbwh); }
TAPI_EXPORT MMRESULT TAPI_CALL waveOutReset(void *hwo) { return reset_device(0, hwo); }
TAPI_EXPORT MMRESULT TAPI_CALL waveOutClose(void *hwo) { return close_device(0, hwo); }
TAPI_EXPORT uint32_t TAPI_CALL waveOutGetNumDevs(void) {
    enter();
    return leave(g_num_out);
}

TAPI_EXPORT MMRESULT TAPI_CALL waveInOpen(void **phwi, uint32_t uDeviceID, const WAVEFORMATEX *pwfx, uintptr_t dwCallback,
                                          uintptr_t dwInstance, uint32_t fdwOpen) {
    (void)dwInstance;
    enter();
    return leave(open_device(1, phwi, uDeviceID, pwfx, dwCallback, fdwOpen));
}
TAPI_EXPORT MMRESULT TAPI_CALL waveInPrepareHeader(void *hwi, WAVEHDR *pwh, uint32_t cbwh) { return prepare(1, hwi, pwh, cbwh); }
TAPI_EXPORT MMRESULT TAPI_CALL waveInUnprepareHeader(void *hwi, WAVEHDR *pwh, uint32_t cbwh) { return unprepare(1, hwi, pwh, cbwh); }
TAPI_EXPORT MMRESULT TAPI_CALL waveInAddBuffer(void *hwi, WAVEHDR *pwh, uint32_t cbwh) { return enqueue(1, hwi, pwh, cbwh); }
TAPI_EXPORT MMRESULT TAPI_CALL waveInStart(void *hwi) {
    enter();
    wdev_t *d = find((uintptr_t)hwi, 1);
    if (!d) return leave(misused(MMSYSERR_INVALHANDLE));
    if (!d->started) {
        d->started = 1;
        d->in_started_ns = now_ns();
        d->in_samples_done = 0;
        pthread_cond_signal(&g_cv);
    }
    return leave(MMSYSERR_NOERROR);
}
TAPI_EXPORT MMRESULT TAPI_CALL waveInReset(void *hwi) { return reset_device(1, hwi); }
TAPI_EXPORT MMRESULT TAPI_CALL waveInClose(void *hwi) { return close_device(1, hwi); }
TAPI_EXPORT uint32_t TAPI_CALL waveInGetNumDevs(void) {
    enter();
    return leave(g_num_in);
}

/* ---- test controls ------------------------------------------------------------------------------------------ */

/* Closes every device (the headers stay with their owner), forgets captures and feeds, restores the defaults. */
FAKE_CONTROL void fake_winmm_reset(void) {
    enter();
    for (int i = 0; i < MAX_HANDLES; i++) {
        wdev_t *d = &g_devs[i];
        if (d->used) while (d->qlen) finish(pop(d));
        d->used = 0;
    }
    for (int i = 0; i < MAX_IDS; i++) {
        free(g_capture[i].bytes);
        free(g_capture[i].frames);
        memset(&g_capture[i], 0, sizeof g_capture[i]);
        free(g_feed[i].s);
        memset(&g_feed[i], 0, sizeof g_feed[i]);
    }
    reset_config();
    leave(0);
}

/* The format tags WAVE_FORMAT_QUERY / open accept: bit (1 << tag) for PCM 1, A-law 6, µ-law 7 (8 kHz mono). */
FAKE_CONTROL void fake_winmm_accept_formats(uint32_t tagMask) {
    enter();
    g_accept_mask = tagMask;
    leave(0);
}

FAKE_CONTROL void fake_winmm_set_device_count(uint32_t out, uint32_t in) {
    enter();
    g_num_out = out;
    g_num_in = in;
    leave(0);
}

/* Another application holds the device: opening it gives MMSYSERR_ALLOCATED. */
FAKE_CONTROL void fake_winmm_hold_device(int32_t isIn, uint32_t id, int32_t on) {
    enter();
    uint32_t *set = isIn ? &g_held_in : &g_held_out;
    if (id < 32) *set = on ? (*set | (1u << id)) : (*set & ~(1u << id));
    leave(0);
}

FAKE_CONTROL void fake_winmm_outstanding(fake_winmm_outstanding_t *out) {
    enter();
    memset(out, 0, sizeof *out);
    for (int i = 0; i < MAX_HANDLES; i++) {
        if (!g_devs[i].used) continue;
        if (g_devs[i].is_in) out->open_in++;
        else out->open_out++;
        out->queued += (uint32_t)g_devs[i].qlen;
    }
    out->prepared = g_prepared;
    out->misuse = g_misuse;
    out->underruns = g_underruns;
    out->queries = g_queries;
    out->opens = g_opens;
    out->last_open_flags = g_last_open_flags;
    out->dropped_in = g_dropped_in;
    out->gap_ns = g_gap_ns;
    leave(0);
}

/* The bytes output device `id` played (in its formats), copied up to `size`; returns the total. */
FAKE_CONTROL uint32_t fake_winmm_captured(uint32_t id, uint8_t *buf, uint32_t size) {
    enter();
    uint32_t total = 0;
    if (id < MAX_IDS) {
        total = (uint32_t)g_capture[id].len;
        if (buf) memcpy(buf, g_capture[id].bytes, total < size ? total : size);
    }
    leave(0);
    return total;
}

FAKE_CONTROL uint32_t fake_winmm_capture_frames(uint32_t id) {
    enter();
    uint32_t n = id < MAX_IDS ? (uint32_t)g_capture[id].nframes : 0;
    leave(0);
    return n;
}

/* Frame `index` of device `id`: start ns, end ns, bytes, format tag. -1 past the last. */
FAKE_CONTROL int32_t fake_winmm_capture_frame(uint32_t id, uint32_t index, uint64_t *out4) {
    enter();
    if (id >= MAX_IDS || index >= g_capture[id].nframes) {
        leave(0);
        return -1;
    }
    const frame_t *f = &g_capture[id].frames[index];
    out4[0] = f->start_ns;
    out4[1] = f->end_ns;
    out4[2] = f->bytes;
    out4[3] = f->tag;
    leave(0);
    return 0;
}

/* The far end speaks into input device `id`: 16-bit samples at 8 kHz, heard by the next buffers it fills. */
FAKE_CONTROL int32_t fake_winmm_feed(uint32_t id, const int16_t *pcm, uint32_t count) {
    enter();
    if (id >= MAX_IDS || (!pcm && count)) {
        leave(0);
        return -1;
    }
    feed_t *f = &g_feed[id];
    if (f->len + count > f->cap) {
        size_t ncap = f->cap ? f->cap : 8192;
        while (ncap < f->len + count) ncap *= 2;
        int16_t *ns = realloc(f->s, ncap * sizeof *ns);
        if (!ns) {
            leave(0);
            return -1;
        }
        f->s = ns;
        f->cap = ncap;
    }
    if (count) memcpy(f->s + f->len, pcm, count * sizeof *pcm);
    f->len += count;
    leave(0);
    return 0;
}

/* CLOCK_MONOTONIC ns, the clock of the capture stamps. */
FAKE_CONTROL uint64_t fake_winmm_now_ns(void) { return now_ns(); }
