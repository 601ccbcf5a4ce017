/*
 * The USEEVENT event object of the fake (see fake_event.h) and, on Linux, the wait primitive the win32
 * provider uses on it: RegisterWaitForSingleObject / UnregisterWaitEx with kernel32's signatures and
 * semantics for the cases the provider relies on (winbase.h / threadpoollegacyapiset.h of mingw-w64):
 * the callback runs on a thread of its own, once per signal (or once only with WT_EXECUTEONLYONCE),
 * or with TimerOrWaitFired = TRUE when a finite timeout passes; UnregisterWaitEx(h, NULL) never blocks
 * and returns FALSE when the callback is running; with INVALID_HANDLE_VALUE it waits for the callback.
 */
#include "fake_event.h"
#include "fake_export.h"

#ifdef _WIN32

#include <stdint.h>
#include <windows.h>

fake_event_t *fake_event_new(void) { return (fake_event_t *)CreateEventW(NULL, TRUE, FALSE, NULL); }

void fake_event_signal(fake_event_t *e, int signalled) {
    if (!e) return;
    if (signalled) SetEvent((HANDLE)e);
    else ResetEvent((HANDLE)e);
}

void *fake_event_handle(fake_event_t *e) { return (void *)e; }

void fake_event_close(fake_event_t *e) {
    if (e) CloseHandle((HANDLE)e);
}

/* The provider waits with the real kernel32 there: no registration is the fake's. */
FAKE_CONTROL uint32_t fake_wait_count(void) { return 0; }

#else

#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#define MAX_EVENTS 128
#define MAX_WAITS 256
#define WAIT_INFINITE 0xFFFFFFFFu
#define WT_EXECUTEONLYONCE 0x00000008u
#define INVALID_HANDLE_VALUE ((void *)(intptr_t)-1)

struct fake_event {
    int used;
    int open;
    int signalled;
    int refs; /* registered waits that still look at it */
    pthread_cond_t cv;
    int cv_ready;
};

typedef void (*wait_callback_t)(void *context, uint8_t timer_or_wait_fired); /* WAITORTIMERCALLBACK */

typedef struct {
    int used;
    int unregistered; /* UnregisterWaitEx was called */
    int running;      /* the thread has not finished */
    int in_callback;
    struct fake_event *ev;
    wait_callback_t cb;
    void *context;
    uint32_t ms;
    uint32_t flags;
} wait_t;

static pthread_mutex_t g_ev_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_wait_done = PTHREAD_COND_INITIALIZER;
static struct fake_event g_events[MAX_EVENTS];
static wait_t g_waits[MAX_WAITS];

static void mono_cv(pthread_cond_t *cv) {
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(cv, &ca);
    pthread_condattr_destroy(&ca);
}

fake_event_t *fake_event_new(void) {
    pthread_mutex_lock(&g_ev_mu);
    fake_event_t *e = NULL;
    for (int i = 0; i < MAX_EVENTS; i++) {
        if (!g_events[i].used) {
            e = &g_events[i];
            break;
        }
    }
    if (e) {
        if (!e->cv_ready) {
            mono_cv(&e->cv);
            e->cv_ready = 1;
        }
        e->used = 1;
        e->open = 1;
        e->signalled = 0;
        e->refs = 0;
    }
    pthread_mutex_unlock(&g_ev_mu);
    return e;
}

void fake_event_signal(fake_event_t *e, int signalled) {
    if (!e) return;
    pthread_mutex_lock(&g_ev_mu);
    e->signalled = signalled != 0;
    if (e->signalled) pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&g_ev_mu);
}

void *fake_event_handle(fake_event_t *e) { return (void *)e; }

static void event_release_if_unused(fake_event_t *e) {
    if (!e->open && e->refs == 0) e->used = 0;
}

void fake_event_close(fake_event_t *e) {
    if (!e) return;
    pthread_mutex_lock(&g_ev_mu);
    e->open = 0;
    e->signalled = 0;
    pthread_cond_broadcast(&e->cv);
    event_release_if_unused(e);
    pthread_mutex_unlock(&g_ev_mu);
}

static fake_event_t *event_of(void *handle) {
    for (int i = 0; i < MAX_EVENTS; i++)
        if ((void *)&g_events[i] == handle && g_events[i].used && g_events[i].open) return &g_events[i];
    return NULL;
}

static wait_t *wait_of(void *handle) {
    for (int i = 0; i < MAX_WAITS; i++)
        if ((void *)&g_waits[i] == handle && g_waits[i].used) return &g_waits[i];
    return NULL;
}

static void wait_release_if_done(wait_t *w) {
    if (w->unregistered && !w->running) {
        w->ev->refs--;
        event_release_if_unused(w->ev);
        w->used = 0;
    }
}

static void *wait_main(void *arg) {
    wait_t *w = arg;
    pthread_mutex_lock(&g_ev_mu);
    for (;;) {
        struct timespec deadline;
        if (w->ms != WAIT_INFINITE) {
            clock_gettime(CLOCK_MONOTONIC, &deadline);
            uint64_t ns = (uint64_t)deadline.tv_nsec + (uint64_t)w->ms * 1000000ull;
            deadline.tv_sec += (time_t)(ns / 1000000000ull);
            deadline.tv_nsec = (long)(ns % 1000000000ull);
        }
        int timed_out = 0;
        while (!w->unregistered && w->ev->open && !w->ev->signalled) {
            if (w->ms == WAIT_INFINITE) pthread_cond_wait(&w->ev->cv, &g_ev_mu);
            else if (pthread_cond_timedwait(&w->ev->cv, &g_ev_mu, &deadline) == ETIMEDOUT) {
                timed_out = 1;
                break;
            }
        }
        if (w->unregistered || !w->ev->open) break;
        w->in_callback = 1;
        pthread_mutex_unlock(&g_ev_mu);
        w->cb(w->context, (uint8_t)timed_out);
        pthread_mutex_lock(&g_ev_mu);
        w->in_callback = 0;
        if (w->flags & WT_EXECUTEONLYONCE) break;
    }
    w->running = 0;
    pthread_cond_broadcast(&g_wait_done);
    wait_release_if_done(w);
    pthread_mutex_unlock(&g_ev_mu);
    return NULL;
}

TAPI_EXPORT int32_t TAPI_CALL RegisterWaitForSingleObject(void **phNewWaitObject, void *hObject, wait_callback_t callback, void *context,
                                                          uint32_t dwMilliseconds, uint32_t dwFlags) {
    if (!phNewWaitObject || !callback) return 0;
    pthread_mutex_lock(&g_ev_mu);
    fake_event_t *e = event_of(hObject);
    wait_t *w = NULL;
    if (e)
        for (int i = 0; i < MAX_WAITS; i++)
            if (!g_waits[i].used) {
                w = &g_waits[i];
                break;
            }
    if (!w) {
        pthread_mutex_unlock(&g_ev_mu);
        return 0;
    }
    *w = (wait_t){1, 0, 1, 0, e, callback, context, dwMilliseconds, dwFlags};
    e->refs++;
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    int ok = pthread_create(&t, &at, wait_main, w) == 0;
    pthread_attr_destroy(&at);
    if (!ok) {
        e->refs--;
        w->used = 0;
        pthread_mutex_unlock(&g_ev_mu);
        return 0;
    }
    *phNewWaitObject = w;
    pthread_mutex_unlock(&g_ev_mu);
    return 1;
}

TAPI_EXPORT int32_t TAPI_CALL UnregisterWaitEx(void *WaitHandle, void *CompletionEvent) {
    pthread_mutex_lock(&g_ev_mu);
    wait_t *w = wait_of(WaitHandle);
    if (!w || w->unregistered) {
        pthread_mutex_unlock(&g_ev_mu);
        return 0;
    }
    w->unregistered = 1;
    pthread_cond_broadcast(&w->ev->cv);
    int rc = 1;
    if (CompletionEvent == INVALID_HANDLE_VALUE) {
        while (w->running) pthread_cond_wait(&g_wait_done, &g_ev_mu);
    } else if (w->in_callback) {
        rc = 0; /* ERROR_IO_PENDING: the callback is running; the wait is released when it returns */
    }
    wait_release_if_done(w);
    pthread_mutex_unlock(&g_ev_mu);
    return rc;
}

/* Registered waits not yet unregistered and finished (a leak check for the tests). */
FAKE_CONTROL uint32_t fake_wait_count(void) {
    pthread_mutex_lock(&g_ev_mu);
    uint32_t n = 0;
    for (int i = 0; i < MAX_WAITS; i++) n += g_waits[i].used ? 1u : 0u;
    pthread_mutex_unlock(&g_ev_mu);
    return n;
}

#endif
