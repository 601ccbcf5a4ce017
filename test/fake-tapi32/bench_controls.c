/*
 * Bench-only controls of the fake Tapi32 (bench/, `npm run bench`; the tests do not use them).
 *
 * The pump-latency figures need to know when the fake posted each message. A native thread posts
 * LINE_CALLSTATE messages (the same ones fake_post_burst queues) at a steady pace, in bursts, and
 * records a CLOCK_MONOTONIC time stamp right before each burst is queued. Messages of one app are read
 * in queue order, so the n-th message read is the n-th one posted: the reader compares its own clock
 * with stamp n. JavaScript reads the same clock with process.hrtime.bigint() (libuv's uv_hrtime is
 * CLOCK_MONOTONIC on Linux); fake_now_ns() lets the bench check that.
 *
 * Only the fake's exported functions are used (fake_post_burst, lineInitializeExW, lineGetMessage,
 * lineShutdown), so this file builds either into libtapi32.so itself or into a separate library linked
 * against it (bench/lib/native.ts does the latter when libtapi32.so does not export fake_now_ns).
 *
 * fake_bench_native_latency() is the native baseline: the same poster, read by a C thread blocking in
 * lineGetMessage, i.e. the best any reader of this fake can do.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tapi_abi.h"
#include "fake_control.h"

#define BENCH_EXPORT __attribute__((visibility("default")))

int32_t lineInitializeExW(uint32_t *, void *, void *, const char16_t *, uint32_t *, uint32_t *, LINEINITIALIZEEXPARAMS *);
int32_t lineShutdown(uint32_t);
int32_t lineGetMessage(uint32_t, LINEMESSAGE *, uint32_t);

#define BENCH_ERR_BUSY (-1)
#define BENCH_ERR_NOMEM (-2)
#define BENCH_ERR_THREAD (-3)
#define BENCH_ERR_IDLE (-4)
#define BENCH_ERR_MISMATCH (-5)

static uint64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

typedef struct {
    uint32_t app, count, interval_us, burst;
    uint64_t *stamps; /* count entries */
    uint32_t posted;
    int32_t rc;
    pthread_t thread;
} poster_t;

static pthread_mutex_t g_bench_mu = PTHREAD_MUTEX_INITIALIZER;
static poster_t *g_poster; /* the one poster started by fake_post_stamped_start */

static void *poster_main(void *arg) {
    poster_t *p = arg;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (uint32_t i = 0; i < p->count;) {
        uint32_t n = p->count - i < p->burst ? p->count - i : p->burst;
        uint64_t t = mono_ns();
        for (uint32_t k = 0; k < n; k++) p->stamps[i + k] = t;
        int32_t rc = fake_post_burst(p->app, n);
        if (rc != 0) {
            p->rc = rc;
            break;
        }
        i += n;
        p->posted = i;
        if (i < p->count && p->interval_us) {
            uint64_t ns = (uint64_t)next.tv_nsec + (uint64_t)p->interval_us * 1000ull;
            next.tv_sec += (time_t)(ns / 1000000000ull);
            next.tv_nsec = (long)(ns % 1000000000ull);
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) != 0) {
                /* EINTR: sleep again until the deadline */
            }
        }
    }
    return NULL;
}

static poster_t *poster_new(uint32_t app, uint32_t count, uint32_t interval_us, uint32_t burst) {
    poster_t *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->stamps = calloc(count ? count : 1, sizeof *p->stamps);
    if (!p->stamps) {
        free(p);
        return NULL;
    }
    p->app = app;
    p->count = count;
    p->interval_us = interval_us;
    p->burst = burst ? burst : 1;
    return p;
}

static void poster_free(poster_t *p) {
    if (!p) return;
    free(p->stamps);
    free(p);
}

/* CLOCK_MONOTONIC in nanoseconds (the clock of every stamp). */
BENCH_EXPORT uint64_t fake_now_ns(void) { return mono_ns(); }

/*
 * Starts a native thread that posts `count` LINE_CALLSTATE messages to hLineApp, `burst` at a time, one
 * burst every `interval_us` microseconds (absolute deadlines, so the average rate is exact), stamping
 * each burst right before it is queued. One poster at a time. 0, or BENCH_ERR_*.
 */
BENCH_EXPORT int32_t fake_post_stamped_start(uint32_t hLineApp, uint32_t count, uint32_t interval_us, uint32_t burst) {
    pthread_mutex_lock(&g_bench_mu);
    int32_t rc = 0;
    if (g_poster) {
        rc = BENCH_ERR_BUSY;
    } else {
        poster_t *p = poster_new(hLineApp, count, interval_us, burst);
        if (!p) {
            rc = BENCH_ERR_NOMEM;
        } else if (pthread_create(&p->thread, NULL, poster_main, p) != 0) {
            poster_free(p);
            rc = BENCH_ERR_THREAD;
        } else {
            g_poster = p;
        }
    }
    pthread_mutex_unlock(&g_bench_mu);
    return rc;
}

/*
 * Waits for the poster started by fake_post_stamped_start, copies min(count, posted) stamps (ns) into
 * `out` and releases it. Returns the number of messages posted, or the LINEERR that stopped the poster,
 * or BENCH_ERR_IDLE when no poster was started.
 */
BENCH_EXPORT int32_t fake_post_stamped_join(uint64_t *out, uint32_t count) {
    pthread_mutex_lock(&g_bench_mu);
    poster_t *p = g_poster;
    g_poster = NULL;
    pthread_mutex_unlock(&g_bench_mu);
    if (!p) return BENCH_ERR_IDLE;
    pthread_join(p->thread, NULL);
    int32_t rc = p->rc != 0 ? p->rc : (int32_t)p->posted;
    if (out) memcpy(out, p->stamps, (size_t)(count < p->posted ? count : p->posted) * sizeof *out);
    poster_free(p);
    return rc;
}

/*
 * lineGetMessage that also records when it returned (CLOCK_MONOTONIC ns) into *returned_ns: called
 * through koffi's .async like the pump does, it splits the pump's latency into "the reading thread
 * woke up" and "the result reached JavaScript". `returned_ns` must be stable memory (koffi.alloc).
 */
BENCH_EXPORT int32_t fake_bench_get_message_stamped(uint32_t hLineApp, LINEMESSAGE *lpMessage, uint32_t dwTimeout, uint64_t *returned_ns) {
    int32_t rc = lineGetMessage(hLineApp, lpMessage, dwTimeout);
    if (returned_ns) *returned_ns = mono_ns();
    return rc;
}

/*
 * The native baseline of the latency figures: a fresh app, the same poster, read by the calling thread
 * with a blocking lineGetMessage (timeout 1 s). Writes `count` latencies (read time - post stamp, ns)
 * into `out`. Returns the number of messages read, or a negative LINEERR / BENCH_ERR_*.
 */
BENCH_EXPORT int32_t fake_bench_native_latency(uint32_t count, uint32_t interval_us, uint32_t burst, uint64_t *out) {
    uint32_t app = 0, devs = 0, ver = 0x00020002u;
    LINEINITIALIZEEXPARAMS params;
    memset(&params, 0, sizeof params);
    params.dwTotalSize = sizeof params;
    params.dwOptions = LINEINITIALIZEEXOPTION_USEEVENT;
    int32_t rc = lineInitializeExW(&app, NULL, NULL, u"bench_native_latency", &devs, &ver, &params);
    if (rc != 0) return rc;
    poster_t *p = poster_new(app, count, interval_us, burst);
    if (!p) {
        lineShutdown(app);
        return BENCH_ERR_NOMEM;
    }
    uint64_t *read_at = calloc(count ? count : 1, sizeof *read_at);
    if (!read_at) {
        poster_free(p);
        lineShutdown(app);
        return BENCH_ERR_NOMEM;
    }
    if (pthread_create(&p->thread, NULL, poster_main, p) != 0) {
        free(read_at);
        poster_free(p);
        lineShutdown(app);
        return BENCH_ERR_THREAD;
    }
    uint32_t got = 0;
    LINEMESSAGE m;
    while (got < count) {
        rc = lineGetMessage(app, &m, 1000);
        if (rc != 0) break;
        read_at[got++] = mono_ns();
    }
    pthread_join(p->thread, NULL);
    lineShutdown(app);
    int32_t result;
    if (p->rc != 0) result = p->rc;
    else if (got != count) result = rc != 0 ? rc : BENCH_ERR_MISMATCH;
    else {
        for (uint32_t i = 0; i < count; i++) out[i] = read_at[i] - p->stamps[i];
        result = (int32_t)got;
    }
    free(read_at);
    poster_free(p);
    return result;
}
