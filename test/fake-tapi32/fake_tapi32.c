/*
 * fake Tapi32: an ABI-exact (Windows x64 layouts) stand-in for Tapi32.dll on Linux, for tests.
 *
 * - Exports the undecorated W / unsuffixed names with the tapi-reference.md §2 signatures; the ANSI
 *   lineMakeCall / lineMakeCallA (and a few more ANSI names) return LINEERR_OPERATIONUNAVAIL and count
 *   as misuse.
 * - USEEVENT only: a per-app FIFO (mutex + condition variable) read with lineGetMessage.
 * - Every message is posted by the fake's own scheduler thread (the far end), like the TAPI service:
 *   LINE_REPLYs, call states, generated-digit completions. lineMakeCallW's *lphCall is written by that
 *   thread right before the LINE_REPLY is queued, so the caller's slot must outlive the function call.
 * - Two line devices that behave like the simulator (lib/tapi/providers/simulator); the far-end
 *   sequences come from scenarios.ts through the generated header build/scenarios.h.
 * - Validates what it receives (sizes, offsets, pointers, UTF-16) and fails loudly, counting misuse.
 *
 * One global mutex guards all state; the scheduler runs its actions with it held.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tapi_abi.h"
#include "fake_control.h"
#include "fake_event.h"
#include "fake_export.h"
#include "fake_faults.h"
#include "scenarios.h" /* generated: FAKE_DIAL_TIMING_*, fake_scenarios[], fake_default_scenario */


#include "fake_internal.h"
#include "tapi_device_id.h"

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_sched_cv;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static int g_sched_started;

app_t g_apps[MAX_APPS];
line_t g_lines[MAX_LINES];
pcall_t g_pcalls[MAX_PCALLS];
hcall_t g_hcalls[MAX_HCALLS];
req_t g_reqs[MAX_REQS];

static event_t *g_heap;
static size_t g_heap_len, g_heap_cap;
static uint64_t g_seq;
double g_vnow;

static uint32_t g_next_app = APP_HANDLE_BASE + 1;
static uint32_t g_next_line = LINE_HANDLE_BASE + 1;
static uint32_t g_next_call = CALL_HANDLE_BASE + 1;
static uint32_t g_next_req = 1;
static uint32_t g_next_pcall_id = 1;

static double g_time_scale;
static uint32_t g_misuse;
static int g_reply_before_return;
static int g_hold_replies; /* fake_hold_replies: accepted requests stay pending */
static int g_sign_extend = 1;

typedef struct {
    char name[64];
    int32_t err;
    int async;
} fail_t;
static fail_t g_fail[16];

static uint8_t g_last_params[MAX_PARAMS_BYTES];
static uint32_t g_last_params_len;
static char16_t g_last_dest[4096];
static int32_t g_last_dest_len = -1;

static text_t g_line_names[NUM_DEVS];

static const char16_t k_default_names[NUM_DEVS][32] = {u"Simulated Line 1", u"Simulated Analog Line"};

/* ------------------------------------------------------------------------------------------------ */
/* small helpers                                                                                      */

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The pthread_cond_timedwait deadline for the CLOCK_MONOTONIC instant `due_ns`. winpthreads (mingw-w64)
 * has no pthread_condattr_setclock: its timed waits always count against CLOCK_REALTIME, so there the
 * remaining time is added to the realtime clock instead. */
static struct timespec cond_deadline(uint64_t due_ns) {
#ifdef _WIN32
    uint64_t now = now_ns();
    uint64_t left = due_ns > now ? due_ns - now : 0;
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    uint64_t at = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec + left;
#else
    uint64_t at = due_ns;
#endif
    struct timespec ts = {(time_t)(at / 1000000000ull), (long)(at % 1000000000ull)};
    return ts;
}

uint32_t tick_ms(void) { return (uint32_t)(now_ns() / 1000000ull); }

void misuse(void) { g_misuse++; }

/* Counts the misuse and gives back the error to return for it. */
int32_t misused(int32_t err) {
    misuse();
    return err;
}

size_t u16len_bounded(const char16_t *s, size_t max, int *ok) {
    size_t n = 0;
    while (n < max && s[n]) n++;
    *ok = n < max;
    return n;
}

/* Valid UTF-16: every surrogate paired. */
int u16_valid(const char16_t *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint16_t c = (uint16_t)s[i];
        if (c >= 0xD800 && c <= 0xDBFF) {
            if (i + 1 >= n) return 0;
            uint16_t d = (uint16_t)s[i + 1];
            if (d < 0xDC00 || d > 0xDFFF) return 0;
            i++;
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            return 0;
        }
    }
    return 1;
}

void text_set(text_t *t, const char16_t *s, size_t n) {
    if (!s) n = 0;
    if (n > MAX_TEXT - 1) n = MAX_TEXT - 1;
    if (n) memcpy(t->s, s, n * 2);
    t->s[n] = 0;
    t->len = n;
}

static void text_set_ascii(text_t *t, const char *s) {
    size_t n = strlen(s);
    if (n > MAX_TEXT - 1) n = MAX_TEXT - 1;
    for (size_t i = 0; i < n; i++) t->s[i] = (char16_t)(unsigned char)s[i];
    t->s[n] = 0;
    t->len = n;
}

int is_known_version(uint32_t v) {
    for (size_t i = 0; i < sizeof k_versions / sizeof k_versions[0]; i++)
        if (k_versions[i] == v) return 1;
    return 0;
}

static uint32_t devcaps_fixed(uint32_t v) {
    if (v < TAPI_V1_4) return 236;
    if (v < TAPI_V2_0) return 240;
    if (v < TAPI_V2_2) return 252;
    if (v < TAPI_V3_0) return 268;
    return 292;
}
static uint32_t callinfo_fixed(uint32_t v) { return v < TAPI_V2_0 ? 296 : v < TAPI_V3_0 ? 324 : 344; }
static uint32_t callparams_fixed(uint32_t v) { return v < TAPI_V2_0 ? 112 : v < TAPI_V3_0 ? 176 : 180; }
static uint32_t callstatus_fixed(uint32_t v) { return v < TAPI_V2_0 ? 36 : 56; }

void put32(void *base, size_t off, uint32_t v) { memcpy((uint8_t *)base + off, &v, 4); }
static uint32_t get32(const void *base, size_t off) {
    uint32_t v;
    memcpy(&v, (const uint8_t *)base + off, 4);
    return v;
}

/* An output structure whose dwTotalSize is below its fixed part: misuse, and dwNeededSize = dwUsedSize
 * = fixed when the caller's buffer holds those two fields. */
static int32_t struct_too_small(uint8_t *b, uint32_t total, uint32_t fixed) {
    misuse();
    if (total >= 12) {
        put32(b, 4, fixed);
        put32(b, 8, fixed);
    }
    return LINEERR_STRUCTURETOOSMALL;
}

/* Variable part writer (§3.1): items contiguous after the fixed part; what does not fit gets Size = Offset = 0
 * (varpack_t in fake_internal.h). */

void var_add(varpack_t *vp, size_t size_field_off, const void *data, uint32_t n) {
    if (n == 0) {
        put32(vp->base, size_field_off, 0);
        put32(vp->base, size_field_off + 4, 0);
        return;
    }
    vp->needed += n;
    if ((uint64_t)vp->used + n <= vp->total) {
        memcpy(vp->base + vp->used, data, n);
        put32(vp->base, size_field_off, n);
        put32(vp->base, size_field_off + 4, vp->used);
        vp->used += n;
    } else {
        put32(vp->base, size_field_off, 0);
        put32(vp->base, size_field_off + 4, 0);
    }
}

void var_add_text(varpack_t *vp, size_t size_field_off, const text_t *t) {
    if (!t->len) {
        var_add(vp, size_field_off, NULL, 0);
        return;
    }
    var_add(vp, size_field_off, t->s, (uint32_t)(t->len + 1) * 2); /* bytes, NUL included */
}

/* Opens a variable-size output structure of `fixed` bytes: checks dwTotalSize, zeroes the fixed part
 * after it and starts the packer; varstruct_end writes dwNeededSize / dwUsedSize. */
int32_t varstruct_begin(uint8_t *b, uint32_t fixed, varpack_t *vp) {
    uint32_t total = get32(b, 0);
    if (total < fixed) return struct_too_small(b, total, fixed);
    memset(b + 4, 0, fixed - 4);
    vp->base = b;
    vp->total = total;
    vp->used = vp->needed = fixed;
    return 0;
}

void varstruct_end(const varpack_t *vp) {
    put32(vp->base, 4, vp->needed);
    put32(vp->base, 8, vp->used);
}

/* ------------------------------------------------------------------------------------------------ */
/* lookups                                                                                           */

app_t *find_app(uint32_t h) {
    for (int i = 0; i < MAX_APPS; i++)
        if (g_apps[i].used && g_apps[i].alive && g_apps[i].h == h) return &g_apps[i];
    return NULL;
}
line_t *find_line(uint32_t h) {
    for (int i = 0; i < MAX_LINES; i++)
        if (g_lines[i].used && g_lines[i].h == h) return &g_lines[i];
    return NULL;
}
hcall_t *find_hcall(uint32_t h) {
    for (int i = 0; i < MAX_HCALLS; i++)
        if (g_hcalls[i].used && g_hcalls[i].h == h) return &g_hcalls[i];
    return NULL;
}
static req_t *find_req(uint32_t id) {
    for (int i = 0; i < MAX_REQS; i++)
        if (g_reqs[i].used && g_reqs[i].id == id) return &g_reqs[i];
    return NULL;
}

/* ------------------------------------------------------------------------------------------------ */
/* message queue                                                                                      */

static void q_push(app_t *a, const LINEMESSAGE *m) {
    if (a->q.count == a->q.cap) {
        size_t ncap = a->q.cap ? a->q.cap * 2 : 64;
        LINEMESSAGE *nb = malloc(ncap * sizeof *nb);
        if (!nb) return;
        for (size_t i = 0; i < a->q.count; i++) nb[i] = a->q.buf[(a->q.head + i) % a->q.cap];
        free(a->q.buf);
        a->q.buf = nb;
        a->q.cap = ncap;
        a->q.head = 0;
    }
    a->q.buf[(a->q.head + a->q.count) % a->q.cap] = *m;
    a->q.count++;
    if (a->q.count == 1) fake_event_signal(a->ev, 1); /* set from empty to non-empty; reset when emptied */
    pthread_cond_broadcast(&a->cv);
}

static int q_pop(app_t *a, LINEMESSAGE *out) {
    if (!a->q.count) return 0;
    *out = a->q.buf[a->q.head];
    a->q.head = (a->q.head + 1) % a->q.cap;
    a->q.count--;
    if (!a->q.count) fake_event_signal(a->ev, 0);
    return 1;
}

void post(uint32_t happ, uint32_t hdev, uint32_t id, uintptr_t cb, uintptr_t p1, uintptr_t p2, uintptr_t p3) {
    app_t *a = find_app(happ);
    if (!a) return;
    LINEMESSAGE m = {hdev, id, cb, p1, p2, p3};
    q_push(a, &m);
}

static void app_release_slot_if_idle(app_t *a) {
    if (!a->alive && a->readers == 0 && a->used) {
        free(a->q.buf);
        a->q.buf = NULL;
        a->q.cap = a->q.head = a->q.count = 0;
        a->used = 0;
    }
}

/* ------------------------------------------------------------------------------------------------ */
/* scheduler                                                                                          */

static int ev_before(const event_t *x, const event_t *y) {
    if (x->due_ns != y->due_ns) return x->due_ns < y->due_ns;
    if (x->vdue != y->vdue) return x->vdue < y->vdue;
    return x->seq < y->seq;
}

static void heap_push(const event_t *e) {
    if (g_heap_len == g_heap_cap) {
        size_t ncap = g_heap_cap ? g_heap_cap * 2 : 128;
        event_t *nh = realloc(g_heap, ncap * sizeof *nh);
        if (!nh) return;
        g_heap = nh;
        g_heap_cap = ncap;
    }
    size_t i = g_heap_len++;
    g_heap[i] = *e;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ev_before(&g_heap[i], &g_heap[p])) break;
        event_t t = g_heap[i];
        g_heap[i] = g_heap[p];
        g_heap[p] = t;
        i = p;
    }
}

static event_t heap_pop(void) {
    event_t top = g_heap[0];
    g_heap[0] = g_heap[--g_heap_len];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < g_heap_len && ev_before(&g_heap[l], &g_heap[m])) m = l;
        if (r < g_heap_len && ev_before(&g_heap[r], &g_heap[m])) m = r;
        if (m == i) break;
        event_t t = g_heap[i];
        g_heap[i] = g_heap[m];
        g_heap[m] = t;
        i = m;
    }
    return top;
}

/* Schedule `e` `delay` seconds (time-scale 1) after the current virtual time. */
void schedule(event_t e, double delay) {
    if (delay < 0) delay = 0;
    e.vdue = g_vnow + delay;
    e.due_ns = g_time_scale > 0 ? now_ns() + (uint64_t)(delay * g_time_scale * 1e9) : 0;
    e.seq = ++g_seq;
    heap_push(&e);
    pthread_cond_signal(&g_sched_cv);
}

/* The far end's own actions (keys it presses, media it plays: fake_signals.c). At time scale 0 the switch's
 * timers run at once, but a far end still takes `real_per_second` real seconds per simulated second, so the
 * app gets to react to a state (enable monitoring, start a gather) before the far end acts, as it does with the
 * simulator, whose timers at timeScale 0 each fire in a later turn of the event loop. */
void schedule_far_end(event_t e, double delay, double real_per_second) {
    if (g_time_scale > 0) {
        schedule(e, delay);
        return;
    }
    if (delay < 0) delay = 0;
    e.vdue = g_vnow + delay;
    e.due_ns = now_ns() + (uint64_t)(delay * real_per_second * 1e9);
    e.seq = ++g_seq;
    heap_push(&e);
    pthread_cond_signal(&g_sched_cv);
}

/* The LINE_REPLY of request `id`, queued by the scheduler. */
static void schedule_reply(uint32_t id) {
    event_t e;
    memset(&e, 0, sizeof e);
    e.kind = EV_REPLY;
    e.a = id;
    schedule(e, 0);
}

/* `m` queued for app `happ` by the scheduler, `delay` seconds from now. */
void schedule_post(uint32_t happ, LINEMESSAGE m, double delay) {
    event_t e;
    memset(&e, 0, sizeof e);
    e.kind = EV_POST;
    e.a = happ;
    e.msg = m;
    schedule(e, delay);
}

static void run_event(event_t *e);

static void *scheduler_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&g_mu);
    for (;;) {
        if (!g_heap_len) {
            pthread_cond_wait(&g_sched_cv, &g_mu);
            continue;
        }
        uint64_t now = now_ns();
        if (g_heap[0].due_ns <= now) {
            event_t e = heap_pop();
            if (e.vdue > g_vnow) g_vnow = e.vdue;
            run_event(&e);
            continue;
        }
        struct timespec ts = cond_deadline(g_heap[0].due_ns);
        pthread_cond_timedwait(&g_sched_cv, &g_mu, &ts);
    }
    return NULL;
}

static double env_time_scale(void) {
    const char *s = getenv("FAKE_TAPI32_TIMESCALE");
    if (!s || !*s) return 0;
    char *end = NULL;
    double v = strtod(s, &end);
    return (end && *end == 0 && v >= 0) ? v : 0;
}

static void reset_line_name(uint32_t dev) {
    size_t n = 0;
    while (k_default_names[dev][n]) n++;
    text_set(&g_line_names[dev], k_default_names[dev], n);
}

static void reset_config_locked(void) {
    g_time_scale = env_time_scale();
    g_reply_before_return = 0;
    g_hold_replies = 0;
    g_sign_extend = 1;
    memset(g_fail, 0, sizeof g_fail);
    g_misuse = 0;
    g_last_params_len = 0;
    g_last_dest_len = -1;
    for (uint32_t d = 0; d < NUM_DEVS; d++) reset_line_name(d);
    fake_device_id_reset();
}

/* Condition variables wait against CLOCK_MONOTONIC, like the deadlines computed with now_ns()
 * (on Windows against the realtime clock, see cond_deadline). */
static void mono_cond_init(pthread_cond_t *cv) {
#ifdef _WIN32
    pthread_cond_init(cv, NULL);
#else
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(cv, &ca);
    pthread_condattr_destroy(&ca);
#endif
}

static void init_once(void) {
    mono_cond_init(&g_sched_cv);
    pthread_mutex_lock(&g_mu);
    reset_config_locked();
    pthread_mutex_unlock(&g_mu);
}

static void ensure_scheduler_locked(void) {
    if (g_sched_started) return;
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &at, scheduler_main, NULL) == 0) g_sched_started = 1;
    pthread_attr_destroy(&at);
}

/* Every export starts with enter() (state set up once, the global lock taken) and ends with leave(). */
void enter(void) {
    pthread_once(&g_once, init_once);
    pthread_mutex_lock(&g_mu);
}

int32_t leave(int32_t rc) {
    pthread_mutex_unlock(&g_mu);
    return rc;
}

/* ------------------------------------------------------------------------------------------------ */
/* calls                                                                                              */

pcall_t *pc_at(int i) { return (i >= 0 && i < MAX_PCALLS && g_pcalls[i].used) ? &g_pcalls[i] : NULL; }

int pcall_new(uint32_t dev) {
    for (int i = 0; i < MAX_PCALLS; i++) {
        if (!g_pcalls[i].used) {
            memset(&g_pcalls[i], 0, sizeof g_pcalls[i]);
            g_pcalls[i].used = 1;
            g_pcalls[i].id = g_next_pcall_id++;
            g_pcalls[i].dev = dev;
            clock_gettime(CLOCK_REALTIME, &g_pcalls[i].entered);
            return i;
        }
    }
    return -1;
}

hcall_t *hcall_new(int pc, uint32_t line, uint32_t priv) {
    for (int i = 0; i < MAX_HCALLS; i++) {
        if (!g_hcalls[i].used) {
            memset(&g_hcalls[i], 0, sizeof g_hcalls[i]);
            g_hcalls[i].used = 1;
            g_hcalls[i].h = g_next_call++;
            if (g_next_call == 0) g_next_call = CALL_HANDLE_BASE + 1;
            g_hcalls[i].pc = pc;
            g_hcalls[i].line = line;
            g_hcalls[i].priv = priv;
            return &g_hcalls[i];
        }
    }
    return NULL;
}

int pcall_handle_count(int pc) {
    int n = 0;
    for (int i = 0; i < MAX_HCALLS; i++)
        if (g_hcalls[i].used && g_hcalls[i].pc == pc) n++;
    return n;
}

/* The line of `h` when it is a live handle of call `pc`; NULL otherwise. */
line_t *handle_line(const hcall_t *h, int pc) { return h->used && h->pc == pc ? find_line(h->line) : NULL; }

static void pcall_free_if_orphan(int pc) {
    pcall_t *p = pc_at(pc);
    if (p && pcall_handle_count(pc) == 0) {
        p->epoch++;
        p->used = 0;
    }
}

/* Set the state and tell every handle of the call (LINE_CALLSTATE; dwParam3 = privilege the first time). */
void set_state(int pc, uint32_t state, uint32_t mode) {
    pcall_t *p = pc_at(pc);
    if (!p) return;
    cc_before_state(pc, state);
    p->state = state;
    p->mode = mode;
    clock_gettime(CLOCK_REALTIME, &p->entered);
    for (int i = 0; i < MAX_HCALLS; i++) {
        hcall_t *h = &g_hcalls[i];
        line_t *l = handle_line(h, pc);
        if (!l) continue;
        uint32_t priv = h->first_sent ? 0 : h->priv;
        h->first_sent = 1;
        post(l->app, h->h, LINE_CALLSTATE, l->cbinst, state, mode, priv);
    }
    cc_after_state(pc, state);
}

event_t call_event(int kind, int pc) {
    event_t e;
    memset(&e, 0, sizeof e);
    e.kind = kind;
    e.pc = pc;
    pcall_t *p = pc_at(pc);
    if (p) {
        e.pc_id = p->id;
        e.epoch = p->epoch;
    }
    return e;
}

static void schedule_stage(int pc, uint32_t stage, uint32_t step, double delay) {
    event_t e = call_event(EV_STAGE, pc);
    e.a = stage;
    e.b = step;
    schedule(e, delay);
}

void schedule_state(int pc, uint32_t state, uint32_t mode, double delay) {
    event_t e = call_event(EV_STATE, pc);
    e.a = state;
    e.b = mode;
    schedule(e, delay);
}

static const fake_scenario_t *find_scenario(const char *digits, size_t n) {
    for (size_t i = 0; i < FAKE_SCENARIO_COUNT; i++) {
        const fake_scenario_t *s = &fake_scenarios[i];
        size_t m = strlen(s->match);
        if (m <= n && memcmp(digits + n - m, s->match, m) == 0) return s;
    }
    return &fake_default_scenario;
}

static void run_stage(int pc, uint32_t stage, uint32_t step) {
    pcall_t *p = pc_at(pc);
    if (!p) return;
    switch (stage) {
    case STAGE_DIALTONE:
        set_state(pc, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
        if (p->significant && !p->dialing_scheduled) {
            p->dialing_scheduled = 1;
            schedule_stage(pc, STAGE_DIALING, 0, FAKE_DIAL_TIMING_DIALTONE);
        }
        break;
    case STAGE_DIALING:
        if (p->state != LINECALLSTATE_DIALING) set_state(pc, LINECALLSTATE_DIALING, 0);
        if (p->dial_complete && !p->proceeding_scheduled) {
            p->proceeding_scheduled = 1;
            schedule_stage(pc, STAGE_PROCEEDING, 0, FAKE_DIAL_TIMING_DIALING);
        }
        break;
    case STAGE_PROCEEDING:
        set_state(pc, LINECALLSTATE_PROCEEDING, 0);
        p->scenario = find_scenario(p->digits, p->ndigits);
        cc_far_end_from_scenario(p);
        if (p->noanswer_secs && !p->noanswer_armed) {
            p->noanswer_armed = 1;
            event_t e = call_event(EV_NOANSWER, pc);
            schedule(e, (double)p->noanswer_secs);
        }
        if (p->scenario->count) schedule_stage(pc, STAGE_STEP, 0, FAKE_DIAL_TIMING_PROCEEDING + p->scenario->steps[0].after);
        break;
    case STAGE_STEP: {
        const fake_scenario_t *s = p->scenario;
        if (!s || step >= s->count) break;
        set_state(pc, s->steps[step].state, s->steps[step].mode);
        if (s->steps[step].state == LINECALLSTATE_DISCONNECTED) {
            p->epoch++;
            break;
        }
        if (step + 1 < s->count) schedule_stage(pc, STAGE_STEP, step + 1, s->steps[step + 1].after);
        break;
    }
    default:
        break;
    }
}

/* lineDial is allowed (and completes the number) in DIALTONE, or in DIALING before the number is complete. */
int awaiting_digits(const pcall_t *p) {
    return p->state == LINECALLSTATE_DIALTONE || (p->state == LINECALLSTATE_DIALING && !p->dial_complete);
}

/* Append the digits of a validated dial string to the call; `complete` = no trailing ';'. */
static void pcall_add_digits(pcall_t *p, const char *digits, size_t n, int complete, int significant) {
    if (significant) p->significant = 1;
    for (size_t i = 0; i < n && p->ndigits < MAX_DIGITS - 1; i++) p->digits[p->ndigits++] = digits[i];
    p->digits[p->ndigits] = 0;
    p->dial_complete = complete;
}

/* ------------------------------------------------------------------------------------------------ */
/* requests                                                                                            */

req_t *req_new(uint32_t app, uint32_t line, int kind) {
    for (int i = 0; i < MAX_REQS; i++) {
        if (!g_reqs[i].used) {
            memset(&g_reqs[i], 0, sizeof g_reqs[i]);
            g_reqs[i].used = 1;
            g_reqs[i].id = g_next_req++;
            if (g_next_req >= 0x80000000u) g_next_req = 1;
            g_reqs[i].app = app;
            g_reqs[i].line = line;
            g_reqs[i].kind = kind;
            return &g_reqs[i];
        }
    }
    return NULL;
}

/* Queue the LINE_REPLY and apply the request's effect. Runs on the scheduler thread (or, with
 * fake_reply_before_return, inside the async function itself). */
static void complete_request(req_t *r) {
    uintptr_t p2 = g_sign_extend ? (uintptr_t)(intptr_t)r->result : (uintptr_t)(uint32_t)r->result;
    if (r->kind >= REQ_CC_FIRST) {
        cc_complete_request(r, p2);
        return;
    }
    hcall_t *h = r->hcall ? find_hcall(r->hcall) : NULL;
    if (r->kind == REQ_MAKECALL && r->result == 0 && h) {
        /* TAPI writes *lphCall right before the reply becomes visible. */
        *r->lphCall = h->h;
    }
    post(r->app, 0, LINE_REPLY, 0, r->id, p2, 0);
    int kind = r->kind;
    int32_t result = r->result;
    int pc = h ? h->pc : -1;
    char digits[MAX_DIGITS];
    size_t nd = r->ndigits;
    memcpy(digits, r->digits, nd);
    int complete = r->complete;
    int significant = r->significant;
    r->used = 0;
    pcall_t *p = pc_at(pc);
    if (result != 0 || !p) return;
    switch (kind) {
    case REQ_MAKECALL:
        /* As the simulator: monitors learn of the outgoing call (LINE_APPNEWCALL on 2.0+ lines, CALLSTATE UNKNOWN). */
        for (int i = 0; i < MAX_HCALLS; i++) {
            hcall_t *m = &g_hcalls[i];
            line_t *ml = m->priv == LINECALLPRIVILEGE_MONITOR && !m->first_sent ? handle_line(m, pc) : NULL;
            if (!ml) continue;
            if (ml->ver >= TAPI_V2_0) post(ml->app, ml->h, LINE_APPNEWCALL, ml->cbinst, p->address_id, m->h, m->priv);
            post(ml->app, m->h, LINE_CALLSTATE, ml->cbinst, LINECALLSTATE_UNKNOWN, 0, m->priv);
            m->first_sent = 1;
        }
        schedule_stage(pc, STAGE_DIALTONE, 0, 0);
        break;
    case REQ_DIAL: {
        int was_waiting = awaiting_digits(p);
        pcall_add_digits(p, digits, nd, complete, significant);
        if (!was_waiting) break;
        if (p->state == LINECALLSTATE_DIALTONE) {
            if (p->significant && !p->dialing_scheduled) {
                p->dialing_scheduled = 1;
                schedule_stage(pc, STAGE_DIALING, 0, 0);
            }
        } else if (complete && !p->proceeding_scheduled) {
            p->proceeding_scheduled = 1;
            schedule_stage(pc, STAGE_PROCEEDING, 0, FAKE_DIAL_TIMING_DIALING);
        }
        break;
    }
    case REQ_DROP:
        schedule_state(pc, LINECALLSTATE_IDLE, 0, 0);
        break;
    case REQ_ANSWER:
        schedule_state(pc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE, 0);
        break;
    default:
        break;
    }
}

/* Accept an async request: returns its id; the reply is queued by the scheduler (or now). */
int32_t accept_request(req_t *r) {
    int32_t id = (int32_t)r->id;
    if (g_hold_replies) {
        /* stays pending until fake_hold_replies(0) */
    } else if (g_reply_before_return) {
        g_reply_before_return = 0;
        complete_request(r);
    } else {
        schedule_reply(r->id);
    }
    return id;
}

static int32_t async_failure(uint32_t app, uint32_t line, int32_t err) {
    req_t *r = req_new(app, line, REQ_FAIL);
    if (!r) return LINEERR_OPERATIONFAILED;
    r->result = err;
    return accept_request(r);
}

/* ------------------------------------------------------------------------------------------------ */
/* fail_next                                                                                           */

/* Whether fake_fail_next armed a failure of `fn`; *rc is its error. For an async function (`l`, the
 * line its request belongs to) an async failure becomes a request whose LINE_REPLY carries the error. */
int take_fail(const char *fn, int32_t *rc, const line_t *l) {
    for (size_t i = 0; i < sizeof g_fail / sizeof g_fail[0]; i++) {
        fail_t *f = &g_fail[i];
        if (!f->name[0]) continue;
        size_t n = strlen(f->name);
        /* "lineMakeCall" matches lineMakeCallW as well. */
        if (strcmp(f->name, fn) == 0 || (strncmp(f->name, fn, n) == 0 && fn[n] == 'W' && fn[n + 1] == 0)) {
            f->name[0] = 0;
            *rc = l && f->async ? async_failure(l->app, l->h, f->err) : f->err;
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* events                                                                                              */

static void run_event(event_t *e) {
    pcall_t *p = NULL;
    if (e->kind != EV_REPLY && e->kind != EV_POST) {
        p = pc_at(e->pc);
        if (!p || p->id != e->pc_id) return;
        if (e->kind >= EV_CC_FIRST) {
            cc_run_event(e);
            return;
        }
        if (e->kind != EV_INCOMING && p->epoch != e->epoch) return;
    }
    switch (e->kind) {
    case EV_REPLY: {
        req_t *r = find_req(e->a);
        if (r) complete_request(r);
        break;
    }
    case EV_STAGE:
        run_stage(e->pc, e->a, e->b);
        break;
    case EV_STATE:
        if (p->state == LINECALLSTATE_IDLE) break;
        if (e->a == LINECALLSTATE_IDLE || e->a == LINECALLSTATE_DISCONNECTED) p->epoch++;
        set_state(e->pc, e->a, e->b);
        break;
    case EV_NOANSWER:
        if (p->state == LINECALLSTATE_PROCEEDING || p->state == LINECALLSTATE_RINGBACK) {
            p->epoch++;
            set_state(e->pc, LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NOANSWER);
        }
        break;
    case EV_POST: {
        app_t *a = find_app(e->a);
        if (a) q_push(a, &e->msg);
        break;
    }
    case EV_INCOMING:
        for (int i = 0; i < MAX_HCALLS; i++) {
            hcall_t *h = &g_hcalls[i];
            line_t *l = h->first_sent ? NULL : handle_line(h, e->pc);
            if (!l) continue;
            post(l->app, l->h, LINE_APPNEWCALL, l->cbinst, 0, h->h, h->priv);
        }
        set_state(e->pc, LINECALLSTATE_OFFERING, LINEOFFERINGMODE_ACTIVE);
        for (int i = 0; i < MAX_LINES; i++) {
            line_t *l = &g_lines[i];
            if (l->used && l->dev == p->dev && (l->line_states & 0x2u /* LINEDEVSTATE_RINGING */))
                post(l->app, l->h, LINE_LINEDEVSTATE, l->cbinst, 0x2u, 1, 0);
        }
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------------------------------------------ */
/* dial strings (§7)                                                                                   */

/* Validates `s` for a device with `caps`; collects the digits of the first destination's
 * DialableNumber (0-9 * # A-D) and whether it ends with ';'. The first offending character wins. */
int32_t parse_dial(const char16_t *s, size_t n, uint32_t caps, char *digits, size_t *nd, int *partial, int *significant) {
    enum { NUMBER, SUB, NAME } part = NUMBER;
    *significant = 0;
    int first_dest = 1;
    size_t count = 0;
    *partial = 0;
    int ended_semicolon = 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t c = (uint16_t)s[i];
        if (c == '\r') {
            if (i + 1 < n && s[i + 1] == '\n') {
                i++;
                part = NUMBER;
                first_dest = 0;
                continue;
            }
            return LINEERR_INVALADDRESS;
        }
        if (c == '\n') return LINEERR_INVALADDRESS;
        if (part == NAME) continue;
        if (part == SUB) {
            if (c == '^') part = NAME;
            continue;
        }
        /* DialableNumber */
        if (ended_semicolon) return LINEERR_INVALADDRESS; /* ';' only at the end of the number */
        if (c == '|') {
            part = SUB;
            continue;
        }
        if (c == '^') {
            part = NAME;
            continue;
        }
        if (first_dest && c != ';' && c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') *significant = 1;
        if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D') || (c >= 'a' && c <= 'd')) {
            if (first_dest && count < MAX_DIGITS - 1) digits[count++] = (char)(c >= 'a' ? c - 32 : c);
            continue;
        }
        switch (c) {
        case '+': case '!': case 'P': case 'p': case 'T': case 't': case ',':
        case ' ': case '.': case '-': case '(': case ')':
            continue;
        case '?':
            return LINEERR_DIALPROMPT;
        case ':':
            return LINEERR_DIALVOICEDETECT;
        case '$':
            if (!(caps & LINEDEVCAPFLAGS_DIALBILLING)) return LINEERR_DIALBILLING;
            continue;
        case '@':
            if (!(caps & LINEDEVCAPFLAGS_DIALQUIET)) return LINEERR_DIALQUIET;
            continue;
        case 'W': case 'w':
            if (!(caps & LINEDEVCAPFLAGS_DIALDIALTONE)) return LINEERR_DIALDIALTONE;
            continue;
        case ';':
            ended_semicolon = 1;
            if (first_dest) *partial = 1;
            continue;
        default:
            return LINEERR_INVALADDRESS;
        }
    }
    digits[count] = 0;
    *nd = count;
    return 0;
}

uint32_t dev_capflags(uint32_t dev) {
    return dev == 0 ? (LINEDEVCAPFLAGS_DIALBILLING | LINEDEVCAPFLAGS_DIALQUIET | LINEDEVCAPFLAGS_DIALDIALTONE | LINEDEVCAPFLAGS_CLOSEDROP)
                    : LINEDEVCAPFLAGS_CLOSEDROP;
}
/* The same two devices as lib/tapi/providers/simulator/devices.ts. */
const devinfo_t k_devs[NUM_DEVS] = {
    {LINEBEARERMODE_VOICE | LINEBEARERMODE_SPEECH | 0x08u /* DATA */,
     LINEMEDIAMODE_INTERACTIVEVOICE | LINEMEDIAMODE_AUTOMATEDVOICE | 0x10u /* DATAMODEM */ | 0x20u /* G3FAX */, 64000, 4, 128, 0x51a10000u},
    {LINEBEARERMODE_VOICE, LINEMEDIAMODE_INTERACTIVEVOICE | 0x10u /* DATAMODEM */, 33600, 1, 0, 0x51a10001u},
};

/* Reads a NUL-terminated LPCWSTR argument; 0 with *n set, or a LINEERR (misuse counted). */
int32_t read_wstr(const char16_t *s, size_t *n, int32_t bad_text_err) {
    int ok;
    *n = u16len_bounded(s, MAX_STRING_SCAN, &ok);
    if (!ok) return misused(LINEERR_INVALPOINTER);
    if (!u16_valid(s, *n)) return misused(bad_text_err);
    return 0;
}

/* The start of the lineGet* functions, after their handle checks: the output pointer, fake_fail_next,
 * then dwTotalSize against the fixed part. 1: fill the structure (`vp` started); 0: return *rc. */
int begin_get(void *out, const char *fn, uint32_t fixed, varpack_t *vp, int32_t *rc) {
    if (!out) {
        *rc = misused(LINEERR_INVALPOINTER);
        return 0;
    }
    if (take_fail(fn, rc, NULL)) return 0;
    *rc = varstruct_begin(out, fixed, vp);
    return *rc == 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* TAPI exports                                                                                        */

TAPI_EXPORT LONG TAPI_CALL lineInitializeExW(uint32_t *lphLineApp, void *hInstance, void *lpfnCallback, const char16_t *lpszFriendlyAppName,
                                 uint32_t *lpdwNumDevs, uint32_t *lpdwAPIVersion, LINEINITIALIZEEXPARAMS *lpParams) {
    (void)hInstance;
    enter();
    int32_t rc = 0;
    size_t name_len = 0;
    if (!lphLineApp || !lpdwNumDevs || !lpdwAPIVersion || !lpParams) rc = misused(LINEERR_INVALPOINTER);
    else if (lpParams->dwTotalSize < sizeof(LINEINITIALIZEEXPARAMS))
        rc = struct_too_small((uint8_t *)lpParams, lpParams->dwTotalSize, sizeof(LINEINITIALIZEEXPARAMS));
    else if ((lpParams->dwOptions & ~LINEINITIALIZEEXOPTION_CALLHUBTRACKING) != LINEINITIALIZEEXOPTION_USEEVENT || lpfnCallback)
        rc = misused(LINEERR_INVALPARAM); /* this fake (and the package) only use the event mechanism */
    else if (!is_known_version(*lpdwAPIVersion) || *lpdwAPIVersion < TAPI_V2_0)
        rc = misused(LINEERR_INCOMPATIBLEAPIVERSION); /* must be the app's real highest version; lineInitializeEx needs 2.0+ */
    else if (lpszFriendlyAppName && (rc = read_wstr(lpszFriendlyAppName, &name_len, LINEERR_INVALAPPNAME)) != 0) {
        /* rc set */
    } else if (take_fail("lineInitializeExW", &rc, NULL)) {
        /* sync failure */
    } else {
        app_t *a = NULL;
        for (int i = 0; i < MAX_APPS; i++)
            if (!g_apps[i].used) {
                a = &g_apps[i];
                break;
            }
        fake_event_t *ev = a ? fake_event_new() : NULL;
        if (!a) {
            rc = LINEERR_OPERATIONFAILED;
        } else if (!ev) {
            rc = LINEERR_NOMEM;
        } else {
            pthread_cond_t cv = a->cv;
            int cv_ready = a->h != 0;
            memset(a, 0, sizeof *a);
            if (cv_ready) {
                a->cv = cv;
            } else {
                mono_cond_init(&a->cv);
            }
            a->used = 1;
            a->alive = 1;
            a->ev = ev;
            a->h = g_next_app++;
            if (lpszFriendlyAppName) {
                if (name_len > MAX_TEXT - 1) name_len = MAX_TEXT - 1;
                memcpy(a->name, lpszFriendlyAppName, name_len * 2);
                a->name_len = name_len;
            }
            lpParams->dwNeededSize = sizeof(LINEINITIALIZEEXPARAMS);
            lpParams->dwUsedSize = sizeof(LINEINITIALIZEEXPARAMS);
            lpParams->Handles.hEvent = fake_event_handle(ev);
            *lphLineApp = a->h;
            *lpdwNumDevs = NUM_DEVS;
            *lpdwAPIVersion = FAKE_HIGHEST_VERSION;
            ensure_scheduler_locked();
        }
    }
    return leave(rc);
}

static void close_line_locked(line_t *l, int post_close);

TAPI_EXPORT LONG TAPI_CALL lineShutdown(uint32_t hLineApp) {
    enter();
    app_t *a = find_app(hLineApp);
    if (!a) return leave(LINEERR_INVALAPPHANDLE);
    int32_t fault;
    if (fake_fault_take("lineShutdown", &fault)) return leave(fault);
    for (int i = 0; i < MAX_LINES; i++)
        if (g_lines[i].used && g_lines[i].app == hLineApp) close_line_locked(&g_lines[i], 0);
    for (int i = 0; i < MAX_REQS; i++)
        if (g_reqs[i].used && g_reqs[i].app == hLineApp) g_reqs[i].used = 0;
    a->alive = 0;
    a->q.count = 0;
    fake_event_close(a->ev); /* TAPI destroys the event at lineShutdown (§8.1) */
    a->ev = NULL;
    pthread_cond_broadcast(&a->cv); /* blocked lineGetMessage returns LINEERR_INVALAPPHANDLE */
    app_release_slot_if_idle(a);
    return leave(0);
}

TAPI_EXPORT LONG TAPI_CALL lineNegotiateAPIVersion(uint32_t hLineApp, uint32_t dwDeviceID, uint32_t dwAPILowVersion, uint32_t dwAPIHighVersion,
                                       uint32_t *lpdwAPIVersion, LINEEXTENSIONID *lpExtensionID) {
    enter();
    int32_t rc = 0;
    if (!find_app(hLineApp)) rc = LINEERR_INVALAPPHANDLE;
    else if (dwDeviceID >= NUM_DEVS) rc = LINEERR_BADDEVICEID;
    else if (!lpdwAPIVersion || !lpExtensionID) rc = misused(LINEERR_INVALPOINTER);
    else if (dwAPILowVersion == 0 || dwAPIHighVersion == 0xFFFFFFFFu)
        rc = misused(LINEERR_INCOMPATIBLEAPIVERSION); /* §2.2: never use 0 / 0xFFFFFFFF as bounds */
    else if (take_fail("lineNegotiateAPIVersion", &rc, NULL)) {
    } else {
        uint32_t best = 0;
        for (size_t i = 0; i < sizeof k_versions / sizeof k_versions[0]; i++)
            if (k_versions[i] >= dwAPILowVersion && k_versions[i] <= dwAPIHighVersion) best = k_versions[i];
        if (!best) rc = LINEERR_INCOMPATIBLEAPIVERSION;
        else {
            *lpdwAPIVersion = best;
            memset(lpExtensionID, 0, sizeof *lpExtensionID);
        }
    }
    return leave(rc);
}

TAPI_EXPORT LONG TAPI_CALL lineGetDevCapsW(uint32_t hLineApp, uint32_t dwDeviceID, uint32_t dwAPIVersion, uint32_t dwExtVersion, LINEDEVCAPS *lpLineDevCaps) {
    enter();
    int32_t rc = 0;
    varpack_t vp;
    if (!find_app(hLineApp)) rc = LINEERR_INVALAPPHANDLE;
    else if (dwDeviceID >= NUM_DEVS) rc = LINEERR_BADDEVICEID;
    else if (!is_known_version(dwAPIVersion)) rc = LINEERR_INCOMPATIBLEAPIVERSION;
    else if (dwExtVersion != 0) rc = LINEERR_INCOMPATIBLEEXTVERSION;
    else if (begin_get(lpLineDevCaps, "lineGetDevCapsW", devcaps_fixed(dwAPIVersion), &vp, &rc)) {
        uint8_t *b = vp.base;
        text_t provider, sw;
        text_set_ascii(&provider, "node-red-contrib-tapi simulator");
        text_set_ascii(&sw, "simulated exchange");
        var_add_text(&vp, offsetof(LINEDEVCAPS, dwProviderInfoSize), &provider);
        var_add_text(&vp, offsetof(LINEDEVCAPS, dwSwitchInfoSize), &sw);
        put32(b, offsetof(LINEDEVCAPS, dwPermanentLineID), k_devs[dwDeviceID].permanent_id);
        var_add_text(&vp, offsetof(LINEDEVCAPS, dwLineNameSize), &g_line_names[dwDeviceID]);
        put32(b, offsetof(LINEDEVCAPS, dwStringFormat), STRINGFORMAT_UNICODE);
        put32(b, offsetof(LINEDEVCAPS, dwAddressModes), LINEADDRESSMODE_ADDRESSID);
        put32(b, offsetof(LINEDEVCAPS, dwNumAddresses), 1);
        put32(b, offsetof(LINEDEVCAPS, dwBearerModes), DEV_BEARER_MODES(dwDeviceID));
        put32(b, offsetof(LINEDEVCAPS, dwMaxRate), k_devs[dwDeviceID].max_rate);
        put32(b, offsetof(LINEDEVCAPS, dwMediaModes), DEV_MEDIA_MODES(dwDeviceID));
        const switching_t *swc = fake_switching(dwDeviceID);
        put32(b, offsetof(LINEDEVCAPS, dwGenerateToneModes), swc->generate_tone_modes);
        put32(b, offsetof(LINEDEVCAPS, dwGenerateToneMaxNumFreq), swc->generate_tone_max_freq);
        put32(b, offsetof(LINEDEVCAPS, dwGenerateDigitModes), swc->generate_digit_modes);
        put32(b, offsetof(LINEDEVCAPS, dwMonitorToneMaxNumFreq), swc->monitor_tone_max_freq);
        put32(b, offsetof(LINEDEVCAPS, dwMonitorToneMaxNumEntries), swc->monitor_tone_max_entries);
        put32(b, offsetof(LINEDEVCAPS, dwMonitorDigitModes), swc->monitor_digit_modes);
        put32(b, offsetof(LINEDEVCAPS, dwGatherDigitsMinTimeout), swc->gather_min_timeout);
        put32(b, offsetof(LINEDEVCAPS, dwGatherDigitsMaxTimeout), swc->gather_max_timeout);
        put32(b, offsetof(LINEDEVCAPS, dwDevCapFlags), dev_capflags(dwDeviceID));
        put32(b, offsetof(LINEDEVCAPS, dwMaxNumActiveCalls), k_devs[dwDeviceID].max_calls);
        put32(b, offsetof(LINEDEVCAPS, dwAnswerMode), LINEANSWERMODE_DROP);
        put32(b, offsetof(LINEDEVCAPS, dwRingModes), 1);
        put32(b, offsetof(LINEDEVCAPS, dwLineStates), 0x2u | LINEDEVSTATE_REINIT | 0x1u); /* RINGING | REINIT | OTHER */
        put32(b, offsetof(LINEDEVCAPS, dwUUIMakeCallSize), DEV_UUI_SIZE(dwDeviceID));
        put32(b, offsetof(LINEDEVCAPS, dwUUIDropSize), DEV_UUI_SIZE(dwDeviceID));
        LINEDIALPARAMS mn = {0, 50, 50, 0}, mx = {5000, 1000, 1000, 60000}, df = {2000, 100, 100, 30000};
        memcpy(b + offsetof(LINEDEVCAPS, MinDialParams), &mn, 16);
        memcpy(b + offsetof(LINEDEVCAPS, MaxDialParams), &mx, 16);
        memcpy(b + offsetof(LINEDEVCAPS, DefaultDialParams), &df, 16);
        if (dwAPIVersion >= TAPI_V1_4) put32(b, offsetof(LINEDEVCAPS, dwLineFeatures), LINEFEATURE_MAKECALL);
        if (dwAPIVersion >= TAPI_V2_0) {
            uint32_t bytes = 0;
            const char16_t *classes = fake_device_classes(dwDeviceID, &bytes); /* fake_device_id.c */
            var_add(&vp, offsetof(LINEDEVCAPS, dwDeviceClassesSize), classes, bytes);
        }
        if (dwAPIVersion >= TAPI_V2_2) {
            GUID g = {0x7a9e0c11u, 0x5d1b, 0x4f6e, {0x9a, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, (uint8_t)dwDeviceID}};
            memcpy(b + offsetof(LINEDEVCAPS, PermanentLineGuid), &g, 16);
        }
        if (dwAPIVersion >= TAPI_V3_0) put32(b, offsetof(LINEDEVCAPS, dwAddressTypes), LINEADDRESSTYPE_PHONENUMBER);
        varstruct_end(&vp);
    }
    return leave(rc);
}

TAPI_EXPORT LONG TAPI_CALL lineOpenW(uint32_t hLineApp, uint32_t dwDeviceID, uint32_t *lphLine, uint32_t dwAPIVersion, uint32_t dwExtVersion,
                         uintptr_t dwCallbackInstance, uint32_t dwPrivileges, uint32_t dwMediaModes, const LINECALLPARAMS *lpCallParams) {
    (void)lpCallParams;
    enter();
    int32_t rc = 0;
    uint32_t base = dwPrivileges;
    if (!find_app(hLineApp)) rc = LINEERR_INVALAPPHANDLE;
    else if (dwDeviceID >= NUM_DEVS) rc = LINEERR_BADDEVICEID;
    else if (!lphLine) rc = misused(LINEERR_INVALPOINTER);
    else if (!is_known_version(dwAPIVersion)) rc = LINEERR_INCOMPATIBLEAPIVERSION;
    else if (dwExtVersion != 0) rc = LINEERR_INCOMPATIBLEEXTVERSION;
    else if (base != LINECALLPRIVILEGE_NONE && base != LINECALLPRIVILEGE_MONITOR && base != LINECALLPRIVILEGE_OWNER &&
             base != (LINECALLPRIVILEGE_OWNER | LINECALLPRIVILEGE_MONITOR))
        rc = LINEERR_INVALPRIVSELECT;
    else if ((base & LINECALLPRIVILEGE_OWNER) && (dwMediaModes == 0 || (dwMediaModes & ~DEV_MEDIA_MODES(dwDeviceID))))
        rc = LINEERR_INVALMEDIAMODE;
    else if (take_fail("lineOpenW", &rc, NULL)) {
    } else {
        line_t *l = NULL;
        for (int i = 0; i < MAX_LINES; i++)
            if (!g_lines[i].used) {
                l = &g_lines[i];
                break;
            }
        if (!l) rc = LINEERR_OPERATIONFAILED;
        else {
            memset(l, 0, sizeof *l);
            l->used = 1;
            l->h = g_next_line++;
            l->app = hLineApp;
            l->dev = dwDeviceID;
            l->ver = dwAPIVersion;
            l->cbinst = dwCallbackInstance;
            l->priv = base;
            l->media = dwMediaModes;
            *lphLine = l->h;
        }
    }
    return leave(rc);
}

/* lineClose / lineShutdown / LINE_CLOSE: suppress the line's outstanding replies, drop its sole-owned
 * calls, invalidate its call handles. */
static void close_line_locked(line_t *l, int post_close) {
    for (int i = 0; i < MAX_REQS; i++)
        if (g_reqs[i].used && g_reqs[i].line == l->h) g_reqs[i].used = 0;
    for (int i = 0; i < MAX_HCALLS; i++) {
        hcall_t *h = &g_hcalls[i];
        if (!h->used || h->line != l->h) continue;
        int pc = h->pc;
        int other_owner = 0;
        for (int j = 0; j < MAX_HCALLS; j++)
            if (j != i && g_hcalls[j].used && g_hcalls[j].pc == pc && g_hcalls[j].priv == LINECALLPRIVILEGE_OWNER) other_owner = 1;
        h->used = 0;
        pcall_t *p = pc_at(pc);
        if (p && h->priv == LINECALLPRIVILEGE_OWNER && !other_owner && p->state != LINECALLSTATE_IDLE) {
            p->epoch++;
            set_state(pc, LINECALLSTATE_IDLE, 0); /* remaining monitors see it end */
        }
        pcall_free_if_orphan(pc);
    }
    if (post_close) post(l->app, l->h, LINE_CLOSE, l->cbinst, 0, 0, 0);
    l->used = 0;
}

TAPI_EXPORT LONG TAPI_CALL lineClose(uint32_t hLine) {
    enter();
    int32_t rc = 0;
    line_t *l = find_line(hLine);
    if (!l || !find_app(l->app)) rc = LINEERR_INVALLINEHANDLE;
    else if (take_fail("lineClose", &rc, NULL)) {
    } else close_line_locked(l, 0);
    return leave(rc);
}

TAPI_EXPORT LONG TAPI_CALL lineSetStatusMessages(uint32_t hLine, uint32_t dwLineStates, uint32_t dwAddressStates) {
    enter();
    int32_t rc = 0;
    line_t *l = find_line(hLine);
    if (!l) rc = LINEERR_INVALLINEHANDLE;
    else if (dwLineStates & ~0x01FFFFFFu) rc = LINEERR_INVALLINESTATE;
    else if (dwAddressStates & ~0x1FFu) rc = LINEERR_INVALADDRESSSTATE;
    else if (take_fail("lineSetStatusMessages", &rc, NULL)) {
    } else {
        l->line_states = dwLineStates;
        l->addr_states = dwAddressStates;
    }
    return leave(rc);
}

typedef struct {
    size_t size_off;
    uint32_t since;
    int text;
} cp_item_t;

static const cp_item_t k_cp_items[] = {
    {offsetof(LINECALLPARAMS, dwOrigAddressSize), TAPI_V1_3, 1},
    {offsetof(LINECALLPARAMS, dwDisplayableAddressSize), TAPI_V1_3, 1},
    {offsetof(LINECALLPARAMS, dwCalledPartySize), TAPI_V1_3, 1},
    {offsetof(LINECALLPARAMS, dwCommentSize), TAPI_V1_3, 1},
    {offsetof(LINECALLPARAMS, dwUserUserInfoSize), TAPI_V1_3, 0},
    {offsetof(LINECALLPARAMS, dwHighLevelCompSize), TAPI_V1_3, 0},
    {offsetof(LINECALLPARAMS, dwLowLevelCompSize), TAPI_V1_3, 0},
    {offsetof(LINECALLPARAMS, dwDevSpecificSize), TAPI_V1_3, 0},
    {offsetof(LINECALLPARAMS, dwTargetAddressSize), TAPI_V2_0, 1},
    {offsetof(LINECALLPARAMS, dwSendingFlowspecSize), TAPI_V2_0, 0},
    {offsetof(LINECALLPARAMS, dwReceivingFlowspecSize), TAPI_V2_0, 0},
    {offsetof(LINECALLPARAMS, dwDeviceClassSize), TAPI_V2_0, 1},
    {offsetof(LINECALLPARAMS, dwDeviceConfigSize), TAPI_V2_0, 0},
    {offsetof(LINECALLPARAMS, dwCallDataSize), TAPI_V2_0, 0},
    {offsetof(LINECALLPARAMS, dwCallingPartyIDSize), TAPI_V2_0, 1},
};

/* LINECALLPARAMS as received by lineMakeCallW (§3.7): fixed part for the line's version, every item
 * inside dwTotalSize and after the fixed part, text items valid UTF-16 with the NUL counted. */
int32_t check_call_params(const uint8_t *b, uint32_t ver, uint32_t dev) {
    uint32_t total = get32(b, 0);
    uint32_t fixed = callparams_fixed(ver);
    if (total < fixed) return misused(LINEERR_STRUCTURETOOSMALL);
    if (total > MAX_PARAMS_BYTES) return misused(LINEERR_INVALCALLPARAMS);
    for (size_t i = 0; i < sizeof k_cp_items / sizeof k_cp_items[0]; i++) {
        const cp_item_t *it = &k_cp_items[i];
        if (ver < it->since) continue;
        uint32_t size = get32(b, it->size_off), off = get32(b, it->size_off + 4);
        if (size == 0) continue;
        if (off < fixed || (uint64_t)off + size > total) return misused(LINEERR_INVALCALLPARAMS);
        if (it->text) {
            /* UTF-16LE, NUL counted in the size, no embedded NUL, surrogates paired. */
            if (size % 2 || size < 2) return misused(LINEERR_INVALCALLPARAMS);
            const uint8_t *t = b + off;
            size_t units = size / 2;
            int bad = 0;
            for (size_t k = 0; k < units && !bad; k++) {
                uint16_t c;
                memcpy(&c, t + 2 * k, 2);
                if (k == units - 1) bad = c != 0;
                else if (c == 0) bad = 1;
                else if (c >= 0xD800 && c <= 0xDBFF) {
                    uint16_t d = 0;
                    if (k + 1 < units - 1) memcpy(&d, t + 2 * (k + 1), 2);
                    if (d < 0xDC00 || d > 0xDFFF) bad = 1;
                    k++;
                } else if (c >= 0xDC00 && c <= 0xDFFF) bad = 1;
            }
            if (bad) return misused(LINEERR_INVALCALLPARAMS);
        }
    }
    uint32_t bearer = get32(b, offsetof(LINECALLPARAMS, dwBearerMode));
    uint32_t media = get32(b, offsetof(LINECALLPARAMS, dwMediaMode));
    uint32_t amode = get32(b, offsetof(LINECALLPARAMS, dwAddressMode));
    if (bearer && (bearer & (bearer - 1) || !(bearer & DEV_BEARER_MODES(dev)))) return LINEERR_INVALBEARERMODE;
    if (media && (media & ~DEV_MEDIA_MODES(dev))) return LINEERR_INVALMEDIAMODE;
    if (amode && amode != LINEADDRESSMODE_ADDRESSID && amode != LINEADDRESSMODE_DIALABLEADDR) return LINEERR_INVALADDRESSMODE;
    if ((amode == 0 || amode == LINEADDRESSMODE_ADDRESSID) && get32(b, offsetof(LINECALLPARAMS, dwAddressID)) >= 1) return LINEERR_INVALADDRESSID;
    if (get32(b, offsetof(LINECALLPARAMS, dwUserUserInfoSize)) > DEV_UUI_SIZE(dev)) return LINEERR_USERUSERINFOTOOBIG;
    return 0;
}

static void text_from_params(text_t *t, const uint8_t *b, size_t size_off) {
    uint32_t size = get32(b, size_off), off = get32(b, size_off + 4);
    if (!size) {
        t->len = 0;
        t->s[0] = 0;
        return;
    }
    size_t units = size / 2 - 1;
    if (units > MAX_TEXT - 1) units = MAX_TEXT - 1;
    memcpy(t->s, b + off, units * 2);
    t->s[units] = 0;
    t->len = units;
}

TAPI_EXPORT LONG TAPI_CALL lineMakeCallW(uint32_t hLine, uint32_t *lphCall, const char16_t *lpszDestAddress, uint32_t dwCountryCode,
                             const LINECALLPARAMS *lpCallParams) {
    enter();
    int32_t rc = 0;
    line_t *l = find_line(hLine);
    size_t dlen = 0;
    char digits[MAX_DIGITS];
    size_t nd = 0;
    int partial = 0, significant = 0;
    const uint8_t *pb = (const uint8_t *)lpCallParams;
    if (!l || !find_app(l->app)) {
        rc = LINEERR_INVALLINEHANDLE;
        goto out;
    }
    if (!lphCall) {
        rc = misused(LINEERR_INVALPOINTER);
        goto out;
    }
    if (lpszDestAddress) {
        if ((rc = read_wstr(lpszDestAddress, &dlen, LINEERR_INVALADDRESS)) != 0) goto out;
        size_t keep = dlen < sizeof g_last_dest / 2 - 1 ? dlen : sizeof g_last_dest / 2 - 1;
        memcpy(g_last_dest, lpszDestAddress, keep * 2);
        g_last_dest[keep] = 0;
        g_last_dest_len = (int32_t)keep;
    } else {
        g_last_dest_len = -1;
    }
    g_last_params_len = 0;
    if (pb) {
        uint32_t total = get32(pb, 0);
        uint32_t copy = total < MAX_PARAMS_BYTES ? total : MAX_PARAMS_BYTES;
        /* Only read what the caller declared; a too-small dwTotalSize is refused below. */
        if (copy >= 4) memcpy(g_last_params, pb, copy);
        g_last_params_len = copy;
    }
    if (take_fail("lineMakeCallW", &rc, l)) goto out;
    if (pb && (rc = check_call_params(pb, l->ver, l->dev)) != 0) goto out;
    if (lpszDestAddress && (rc = parse_dial(lpszDestAddress, dlen, dev_capflags(l->dev), digits, &nd, &partial, &significant)) != 0) goto out;
    {
        int pc = pcall_new(l->dev);
        if (pc < 0) {
            rc = LINEERR_OPERATIONFAILED;
            goto out;
        }
        pcall_t *p = &g_pcalls[pc];
        hcall_t *h = hcall_new(pc, l->h, LINECALLPRIVILEGE_OWNER);
        req_t *r = h ? req_new(l->app, l->h, REQ_MAKECALL) : NULL;
        if (!r) {
            if (h) h->used = 0;
            p->used = 0;
            rc = LINEERR_OPERATIONFAILED;
            goto out;
        }
        p->outbound = 1;
        p->country = dwCountryCode;
        p->bearer = LINEBEARERMODE_VOICE;
        p->media = LINEMEDIAMODE_INTERACTIVEVOICE;
        p->rate = k_devs[l->dev].max_rate;
        /* NULL, "" or "...;" wait for lineDial; otherwise the number is complete. */
        pcall_add_digits(p, digits, nd, lpszDestAddress && dlen > 0 && !partial, significant);
        text_set(&p->called, lpszDestAddress, dlen);
        for (size_t i = 0; i < p->called.len; i++) /* the called id is the number part only */
            if (p->called.s[i] == '|' || p->called.s[i] == '^' || p->called.s[i] == '\r') {
                p->called.len = i;
                p->called.s[i] = 0;
                break;
            }
        app_t *a = find_app(l->app);
        text_set(&p->app_name, a->name, a->name_len);
        if (pb) {
            uint32_t v;
            if ((v = get32(pb, offsetof(LINECALLPARAMS, dwBearerMode)))) p->bearer = v;
            if ((v = get32(pb, offsetof(LINECALLPARAMS, dwMediaMode)))) p->media = v;
            if ((v = get32(pb, offsetof(LINECALLPARAMS, dwMaxRate)))) p->rate = v;
            p->param_flags = get32(pb, offsetof(LINECALLPARAMS, dwCallParamFlags));
            p->address_id = get32(pb, offsetof(LINECALLPARAMS, dwAddressID));
            memcpy(&p->dial, pb + offsetof(LINECALLPARAMS, DialParams), 16);
            text_from_params(&p->displayable, pb, offsetof(LINECALLPARAMS, dwDisplayableAddressSize));
            text_from_params(&p->called_party, pb, offsetof(LINECALLPARAMS, dwCalledPartySize));
            text_from_params(&p->comment, pb, offsetof(LINECALLPARAMS, dwCommentSize));
            if (l->ver >= TAPI_V2_0) p->noanswer_secs = get32(pb, offsetof(LINECALLPARAMS, dwNoAnswerTimeout));
        }
        /* Monitors of the device see the new call too (announced when its reply is queued). */
        for (int i = 0; i < MAX_LINES; i++) {
            line_t *o = &g_lines[i];
            if (o->used && o != l && o->dev == l->dev && (o->priv & LINECALLPRIVILEGE_MONITOR) && find_app(o->app))
                hcall_new(pc, o->h, LINECALLPRIVILEGE_MONITOR);
        }
        r->lphCall = lphCall;
        r->hcall = h->h;
        rc = accept_request(r);
    }
out:
    return leave(rc);
}


/* Entry of the call-handle functions: enter(), then hCall resolved (a live handle on an open line of a
 * live app) or LINEERR_INVALCALLHANDLE. The caller ends with leave() either way. */
int32_t enter_call(uint32_t hCall, call_ref_t *c) {
    enter();
    c->h = find_hcall(hCall);
    if (!c->h) return LINEERR_INVALCALLHANDLE;
    c->l = find_line(c->h->line);
    c->p = pc_at(c->h->pc);
    if (!c->l || !c->p || !find_app(c->l->app)) return LINEERR_INVALCALLHANDLE;
    return 0;
}

/* A new async request on the call's line, for the call. */
req_t *call_request(const call_ref_t *c, int kind) {
    req_t *r = req_new(c->l->app, c->l->h, kind);
    if (r) r->hcall = c->h->h;
    return r;
}

TAPI_EXPORT LONG TAPI_CALL lineDialW(uint32_t hCall, const char16_t *lpszDestAddress, uint32_t dwCountryCode) {
    (void)dwCountryCode;
    call_ref_t c;
    int32_t rc = enter_call(hCall, &c);
    size_t dlen = 0, nd = 0;
    int partial = 0, significant = 0;
    char digits[MAX_DIGITS];
    if (rc) return leave(rc);
    if (!lpszDestAddress) return leave(misused(LINEERR_INVALPOINTER));
    if ((rc = read_wstr(lpszDestAddress, &dlen, LINEERR_INVALADDRESS)) != 0) return leave(rc);
    if (c.h->priv != LINECALLPRIVILEGE_OWNER) return leave(LINEERR_NOTOWNER);
    if (take_fail("lineDialW", &rc, c.l)) return leave(rc);
    if (!awaiting_digits(c.p)) return leave(LINEERR_INVALCALLSTATE);
    if ((rc = parse_dial(lpszDestAddress, dlen, dev_capflags(c.l->dev), digits, &nd, &partial, &significant)) != 0) return leave(rc);
    req_t *r = call_request(&c, REQ_DIAL);
    if (!r) return leave(LINEERR_OPERATIONFAILED);
    memcpy(r->digits, digits, nd);
    r->ndigits = nd;
    r->complete = !partial;
    r->significant = significant;
    return leave(accept_request(r));
}

/* lineDrop / lineAnswer: owner only, in a state that allows it, user-user info within the device's limit. */
static int32_t drop_or_answer(uint32_t hCall, const char *lpsUserUserInfo, uint32_t dwSize, const char *fn, int kind) {
    call_ref_t c;
    int32_t rc = enter_call(hCall, &c);
    if (rc) return leave(rc);
    if (c.h->priv != LINECALLPRIVILEGE_OWNER) rc = LINEERR_NOTOWNER;
    else if (take_fail(fn, &rc, c.l)) {
    } else if (kind == REQ_DROP ? c.p->state == LINECALLSTATE_IDLE
                                : c.p->state != LINECALLSTATE_OFFERING && c.p->state != LINECALLSTATE_ACCEPTED)
        rc = LINEERR_INVALCALLSTATE;
    else if (lpsUserUserInfo && dwSize > DEV_UUI_SIZE(c.l->dev)) rc = LINEERR_USERUSERINFOTOOBIG;
    else {
        req_t *r = call_request(&c, kind);
        if (!r) rc = LINEERR_OPERATIONFAILED;
        else {
            c.p->epoch++; /* the far end's program stops here */
            if (kind == REQ_ANSWER) c.p->cc.answering = 1;
            rc = accept_request(r);
        }
    }
    return leave(rc);
}

TAPI_EXPORT LONG TAPI_CALL lineDrop(uint32_t hCall, const char *lpsUserUserInfo, uint32_t dwSize) {
    return drop_or_answer(hCall, lpsUserUserInfo, dwSize, "lineDrop", REQ_DROP);
}

TAPI_EXPORT LONG TAPI_CALL lineAnswer(uint32_t hCall, const char *lpsUserUserInfo, uint32_t dwSize) {
    return drop_or_answer(hCall, lpsUserUserInfo, dwSize, "lineAnswer", REQ_ANSWER);
}

TAPI_EXPORT LONG TAPI_CALL lineDeallocateCall(uint32_t hCall) {
    call_ref_t c;
    int32_t rc = enter_call(hCall, &c);
    if (rc || take_fail("lineDeallocateCall", &rc, NULL)) return leave(rc);
    if (c.l->ver < TAPI_V2_0 && c.h->priv == LINECALLPRIVILEGE_OWNER && c.p->state != LINECALLSTATE_IDLE)
        return leave(LINEERR_INVALCALLSTATE);
    int pc = c.h->pc;
    c.h->used = 0; /* 2.0+: a sole owner leaves a live call ownerless; it is not dropped */
    pcall_free_if_orphan(pc);
    return leave(0);
}

TAPI_EXPORT LONG TAPI_CALL lineGetMessage(uint32_t hLineApp, LINEMESSAGE *lpMessage, uint32_t dwTimeout) {
    enter();
    app_t *a = find_app(hLineApp);
    if (!a) return leave(LINEERR_INVALAPPHANDLE);
    if (!lpMessage) return leave(misused(LINEERR_INVALPOINTER));
    int32_t fault;
    if (fake_fault_take("lineGetMessage", &fault)) return leave(fault);
    if (a->readers > 0) misuse(); /* §8.1: exactly one reader per hLineApp */
    a->readers++;
    struct timespec deadline;
    if (dwTimeout != 0 && dwTimeout != INFINITE_TIMEOUT) {
        deadline = cond_deadline(now_ns() + (uint64_t)dwTimeout * 1000000ull);
    }
    int32_t rc = 0;
    while (a->alive && a->q.count == 0) {
        if (dwTimeout == 0) break;
        if (dwTimeout == INFINITE_TIMEOUT) {
            pthread_cond_wait(&a->cv, &g_mu);
        } else if (pthread_cond_timedwait(&a->cv, &g_mu, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    a->readers--;
    if (!a->alive) {
        rc = LINEERR_INVALAPPHANDLE;
        app_release_slot_if_idle(a);
    } else if (!q_pop(a, lpMessage)) {
        rc = LINEERR_OPERATIONFAILED;
    }
    return leave(rc);
}

static void to_systemtime(const struct timespec *ts, SYSTEMTIME *st) {
    struct tm tm;
    time_t t = ts->tv_sec;
    gmtime_r(&t, &tm);
    st->wYear = (uint16_t)(tm.tm_year + 1900);
    st->wMonth = (uint16_t)(tm.tm_mon + 1);
    st->wDayOfWeek = (uint16_t)tm.tm_wday;
    st->wDay = (uint16_t)tm.tm_mday;
    st->wHour = (uint16_t)tm.tm_hour;
    st->wMinute = (uint16_t)tm.tm_min;
    st->wSecond = (uint16_t)tm.tm_sec;
    st->wMilliseconds = (uint16_t)(ts->tv_nsec / 1000000);
}

static uint32_t party_flags(const text_t *number, const text_t *name) {
    uint32_t f = 0;
    if (number->len) f |= LINECALLPARTYID_ADDRESS;
    if (name->len) f |= LINECALLPARTYID_NAME;
    return f ? f : LINECALLPARTYID_UNKNOWN;
}

/* lineGetCallInfoW and lineGetCallStatus: the call handle, then begin_get, then `write` fills the
 * structure (the fixed part for the line's version, `fixed_for`). */
static int32_t get_call_struct(uint32_t hCall, void *out, const char *fn, uint32_t (*fixed_for)(uint32_t),
                               void (*write)(varpack_t *, const call_ref_t *)) {
    call_ref_t c;
    varpack_t vp;
    int32_t rc = enter_call(hCall, &c);
    if (!rc && begin_get(out, fn, fixed_for(c.l->ver), &vp, &rc)) {
        write(&vp, &c);
        varstruct_end(&vp);
    }
    return leave(rc);
}

static void write_callinfo(varpack_t *vp, const call_ref_t *c) {
    uint8_t *b = vp->base;
    const hcall_t *h = c->h;
    const line_t *l = c->l;
    const pcall_t *p = c->p;
    int owners = 0, monitors = 0;
    for (int i = 0; i < MAX_HCALLS; i++) {
        if (!g_hcalls[i].used || g_hcalls[i].pc != h->pc) continue;
        if (g_hcalls[i].priv == LINECALLPRIVILEGE_OWNER) owners++;
        else monitors++;
    }
    put32(b, offsetof(LINECALLINFO, hLine), l->h);
    put32(b, offsetof(LINECALLINFO, dwLineDeviceID), l->dev);
    put32(b, offsetof(LINECALLINFO, dwAddressID), p->address_id);
    put32(b, offsetof(LINECALLINFO, dwBearerMode), p->bearer ? p->bearer : LINEBEARERMODE_VOICE);
    put32(b, offsetof(LINECALLINFO, dwRate), p->rate);
    put32(b, offsetof(LINECALLINFO, dwMediaMode), p->media ? p->media : LINEMEDIAMODE_INTERACTIVEVOICE);
    put32(b, offsetof(LINECALLINFO, dwCallID), p->id);
    put32(b, offsetof(LINECALLINFO, dwCallParamFlags), p->param_flags);
    put32(b, offsetof(LINECALLINFO, dwCallStates), 0xC3FFu);
    put32(b, offsetof(LINECALLINFO, dwMonitorDigitModes), h->monitor_modes);
    memcpy(b + offsetof(LINECALLINFO, DialParams), &p->dial, 16);
    put32(b, offsetof(LINECALLINFO, dwOrigin), p->outbound ? LINECALLORIGIN_OUTBOUND : LINECALLORIGIN_EXTERNAL);
    put32(b, offsetof(LINECALLINFO, dwReason), LINECALLREASON_DIRECT);
    put32(b, offsetof(LINECALLINFO, dwNumOwners), (uint32_t)owners);
    put32(b, offsetof(LINECALLINFO, dwNumMonitors), (uint32_t)monitors);
    put32(b, offsetof(LINECALLINFO, dwCountryCode), p->country);
    put32(b, offsetof(LINECALLINFO, dwTrunk), 0xFFFFFFFFu);
    put32(b, offsetof(LINECALLINFO, dwCallerIDFlags), party_flags(&p->caller, &p->caller_name));
    var_add_text(vp, offsetof(LINECALLINFO, dwCallerIDSize), &p->caller);
    var_add_text(vp, offsetof(LINECALLINFO, dwCallerIDNameSize), &p->caller_name);
    put32(b, offsetof(LINECALLINFO, dwCalledIDFlags), party_flags(&p->called, &p->called_name));
    var_add_text(vp, offsetof(LINECALLINFO, dwCalledIDSize), &p->called);
    var_add_text(vp, offsetof(LINECALLINFO, dwCalledIDNameSize), &p->called_name);
    int connected = p->state == LINECALLSTATE_CONNECTED;
    const text_t *cn = p->outbound ? &p->called : &p->caller;
    const text_t *cnn = p->outbound ? &p->called_name : &p->caller_name;
    text_t empty = {{0}, 0};
    put32(b, offsetof(LINECALLINFO, dwConnectedIDFlags), connected ? party_flags(cn, cnn) : LINECALLPARTYID_UNKNOWN);
    var_add_text(vp, offsetof(LINECALLINFO, dwConnectedIDSize), connected ? cn : &empty);
    var_add_text(vp, offsetof(LINECALLINFO, dwConnectedIDNameSize), connected ? cnn : &empty);
    put32(b, offsetof(LINECALLINFO, dwRedirectionIDFlags), LINECALLPARTYID_UNKNOWN);
    put32(b, offsetof(LINECALLINFO, dwRedirectingIDFlags), LINECALLPARTYID_UNKNOWN);
    var_add_text(vp, offsetof(LINECALLINFO, dwAppNameSize), &p->app_name);
    var_add_text(vp, offsetof(LINECALLINFO, dwDisplayableAddressSize), &p->displayable);
    var_add_text(vp, offsetof(LINECALLINFO, dwCalledPartySize), &p->called_party);
    var_add_text(vp, offsetof(LINECALLINFO, dwCommentSize), &p->comment);
}

TAPI_EXPORT LONG TAPI_CALL lineGetCallInfoW(uint32_t hCall, LINECALLINFO *lpCallInfo) {
    return get_call_struct(hCall, lpCallInfo, "lineGetCallInfoW", callinfo_fixed, write_callinfo);
}

/* No variable part: dwNeededSize = dwUsedSize = the fixed part. */
static void write_callstatus(varpack_t *vp, const call_ref_t *c) {
    uint8_t *b = vp->base;
    const pcall_t *p = c->p;
    put32(b, offsetof(LINECALLSTATUS, dwCallState), p->state ? p->state : LINECALLSTATE_UNKNOWN);
    put32(b, offsetof(LINECALLSTATUS, dwCallStateMode), p->mode);
    put32(b, offsetof(LINECALLSTATUS, dwCallPrivilege), c->h->priv);
    uint32_t features2 = 0;
    put32(b, offsetof(LINECALLSTATUS, dwCallFeatures), cc_live_features(p, c->h, &features2));
    if (c->l->ver >= TAPI_V2_0) {
        put32(b, offsetof(LINECALLSTATUS, dwCallFeatures2), features2);
        SYSTEMTIME st;
        to_systemtime(&p->entered, &st);
        memcpy(b + offsetof(LINECALLSTATUS, tStateEntryTime), &st, 16);
    }
}

TAPI_EXPORT LONG TAPI_CALL lineGetCallStatus(uint32_t hCall, LINECALLSTATUS *lpCallStatus) {
    return get_call_struct(hCall, lpCallStatus, "lineGetCallStatus", callstatus_fixed, write_callstatus);
}

/* lineGenerateDigitsW, lineMonitorDigits and the rest of §14: fake_call_control.c, fake_signals.c. */

/* ANSI entry points: this package must never call them (tapi-reference.md §1.3, §10.13). */
#define ANSI_STUB(name)                                                                                                \
    TAPI_EXPORT LONG TAPI_CALL name(void) {                                                                            \
        enter();                                                                                                       \
        return leave(misused(LINEERR_OPERATIONUNAVAIL));                                                               \
    }
ANSI_STUB(lineMakeCall)
ANSI_STUB(lineMakeCallA)
ANSI_STUB(lineInitializeExA)
ANSI_STUB(lineGetDevCaps)
ANSI_STUB(lineGetDevCapsA)
ANSI_STUB(lineOpen)
ANSI_STUB(lineOpenA)
ANSI_STUB(lineDial)
ANSI_STUB(lineDialA)
ANSI_STUB(lineGetCallInfo)
ANSI_STUB(lineGetCallInfoA)
ANSI_STUB(lineGenerateDigits)
ANSI_STUB(lineGenerateDigitsA)

/* ------------------------------------------------------------------------------------------------ */
/* test controls                                                                                      */

FAKE_CONTROL void fake_set_time_scale(double scale) {
    enter();
    g_time_scale = scale >= 0 ? scale : 0;
    pthread_mutex_unlock(&g_mu);
}

FAKE_CONTROL uint32_t fake_present_incoming_call(uint32_t deviceId, const char16_t *callerId, const char16_t *callerName, const char16_t *calledId,
                                                const char16_t *digits) {
    enter();
    uint32_t owner = 0;
    int ok;
    int pc = deviceId < NUM_DEVS ? pcall_new(deviceId) : -1;
    if (pc < 0) goto out;
    pcall_t *p = &g_pcalls[pc];
    p->bearer = LINEBEARERMODE_VOICE;
    p->media = LINEMEDIAMODE_INTERACTIVEVOICE;
    p->rate = 64000;
    if (callerId) text_set(&p->caller, callerId, u16len_bounded(callerId, MAX_TEXT, &ok));
    if (callerName) text_set(&p->caller_name, callerName, u16len_bounded(callerName, MAX_TEXT, &ok));
    if (calledId) text_set(&p->called, calledId, u16len_bounded(calledId, MAX_TEXT, &ok));
    if (digits) {
        /* The caller presses these keys (DTMF) 1 s after the call is answered, 500 ms apart (as the simulator). */
        size_t n = u16len_bounded(digits, sizeof p->cc.own_presses, &ok);
        for (size_t i = 0; i < n && ok; i++) p->cc.own_presses[i] = (char)(digits[i] >= 'a' && digits[i] <= 'd' ? digits[i] - 32 : digits[i]);
        if (n && ok) {
            p->cc.presses = p->cc.own_presses;
            p->cc.presses_after = 1;
            p->cc.presses_interval = 0.5;
        }
    }
    /* Handles in the order the lines were opened: the first OWNER candidate owns it, MONITORs watch. */
    line_t *order[MAX_LINES];
    int nl = 0;
    for (int i = 0; i < MAX_LINES; i++)
        if (g_lines[i].used && g_lines[i].dev == deviceId && find_app(g_lines[i].app)) order[nl++] = &g_lines[i];
    for (int i = 1; i < nl; i++)
        for (int j = i; j > 0 && order[j]->h < order[j - 1]->h; j--) {
            line_t *t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (int i = 0; i < nl; i++) {
        line_t *l = order[i];
        uint32_t priv = 0;
        if (!owner && (l->priv & LINECALLPRIVILEGE_OWNER) && (l->media & LINEMEDIAMODE_INTERACTIVEVOICE)) priv = LINECALLPRIVILEGE_OWNER;
        else if (l->priv & LINECALLPRIVILEGE_MONITOR) priv = LINECALLPRIVILEGE_MONITOR;
        if (!priv) continue;
        hcall_t *h = hcall_new(pc, l->h, priv);
        if (!h) continue;
        app_t *a = find_app(l->app);
        if (a && !p->app_name.len) text_set(&p->app_name, a->name, a->name_len);
        if (priv == LINECALLPRIVILEGE_OWNER) owner = h->h;
    }
    if (pcall_handle_count(pc) == 0) {
        p->used = 0;
        goto out;
    }
    p->state = 0;
    schedule(call_event(EV_INCOMING, pc), 0);
out:
    pthread_mutex_unlock(&g_mu);
    return owner;
}

FAKE_CONTROL int32_t fake_remote_hangup(uint32_t hCall, uint32_t disconnectMode) {
    enter();
    int32_t rc = 0;
    hcall_t *h = find_hcall(hCall);
    pcall_t *p = h ? pc_at(h->pc) : NULL;
    if (!p) rc = LINEERR_INVALCALLHANDLE;
    else if (p->state == LINECALLSTATE_IDLE || p->state == LINECALLSTATE_DISCONNECTED) rc = LINEERR_INVALCALLSTATE;
    else {
        p->epoch++;
        schedule_state(h->pc, LINECALLSTATE_DISCONNECTED, disconnectMode ? disconnectMode : LINEDISCONNECTMODE_NORMAL, 0);
    }
    return leave(rc);
}

FAKE_CONTROL void fake_trigger_reinit(void) {
    enter();
    for (int i = 0; i < MAX_APPS; i++) {
        if (!g_apps[i].used || !g_apps[i].alive) continue;
        LINEMESSAGE m = {0, LINE_LINEDEVSTATE, 0, LINEDEVSTATE_REINIT, 0, 0};
        schedule_post(g_apps[i].h, m, 0);
    }
    pthread_mutex_unlock(&g_mu);
}

FAKE_CONTROL int32_t fake_force_line_close(uint32_t hLine) {
    enter();
    int32_t rc = 0;
    line_t *l = find_line(hLine);
    if (!l) rc = LINEERR_INVALLINEHANDLE;
    else close_line_locked(l, 1);
    return leave(rc);
}

FAKE_CONTROL void fake_fail_next(const char *functionName, int32_t lineErr, int32_t async) {
    enter();
    for (size_t i = 0; functionName && i < sizeof g_fail / sizeof g_fail[0]; i++) {
        if (g_fail[i].name[0]) continue;
        strncpy(g_fail[i].name, functionName, sizeof g_fail[i].name - 1);
        g_fail[i].name[sizeof g_fail[i].name - 1] = 0;
        g_fail[i].err = lineErr;
        g_fail[i].async = async != 0;
        break;
    }
    pthread_mutex_unlock(&g_mu);
}

FAKE_CONTROL void fake_reply_before_return(int32_t on) {
    enter();
    g_reply_before_return = on != 0;
    pthread_mutex_unlock(&g_mu);
}

FAKE_CONTROL void fake_hold_replies(int32_t on) {
    enter();
    g_hold_replies = on != 0;
    if (!g_hold_replies)
        for (int i = 0; i < MAX_REQS; i++)
            if (g_reqs[i].used) schedule_reply(g_reqs[i].id);
    pthread_mutex_unlock(&g_mu);
}

FAKE_CONTROL void fake_reply_sign_extend(int32_t on) {
    enter();
    g_sign_extend = on != 0;
    pthread_mutex_unlock(&g_mu);
}

FAKE_CONTROL void fake_outstanding(fake_outstanding_t *out) {
    pthread_once(&g_once, init_once);
    if (!out) return;
    pthread_mutex_lock(&g_mu);
    memset(out, 0, sizeof *out);
    for (int i = 0; i < MAX_APPS; i++)
        if (g_apps[i].used && g_apps[i].alive) {
            out->apps++;
            out->messages += (uint32_t)g_apps[i].q.count;
        }
    for (int i = 0; i < MAX_LINES; i++) out->lines += g_lines[i].used ? 1u : 0u;
    for (int i = 0; i < MAX_HCALLS; i++) out->calls += g_hcalls[i].used ? 1u : 0u;
    for (int i = 0; i < MAX_REQS; i++) out->requests += g_reqs[i].used ? 1u : 0u;
    out->misuse = g_misuse;
    pthread_mutex_unlock(&g_mu);
}

FAKE_CONTROL uint32_t fake_last_call_params(uint8_t *buf, uint32_t size) {
    enter();
    uint32_t n = g_last_params_len;
    if (buf) memcpy(buf, g_last_params, n < size ? n : size);
    pthread_mutex_unlock(&g_mu);
    return n;
}

FAKE_CONTROL int32_t fake_last_dest_address(char16_t *buf, uint32_t units) {
    enter();
    int32_t n = g_last_dest_len;
    if (buf && units > 0) {
        uint32_t k = n < 0 ? 0 : ((uint32_t)n < units - 1 ? (uint32_t)n : units - 1);
        memcpy(buf, g_last_dest, k * 2);
        buf[k] = 0;
    }
    pthread_mutex_unlock(&g_mu);
    return n;
}

FAKE_CONTROL int32_t fake_set_line_name(uint32_t deviceId, const char16_t *name) {
    enter();
    int32_t rc = 0;
    int ok;
    if (deviceId >= NUM_DEVS) rc = LINEERR_BADDEVICEID;
    else if (!name) {
        reset_line_name(deviceId);
    } else {
        size_t n = u16len_bounded(name, MAX_TEXT, &ok);
        if (!ok || !u16_valid(name, n)) rc = LINEERR_INVALPARAM;
        else text_set(&g_line_names[deviceId], name, n);
    }
    return leave(rc);
}

FAKE_CONTROL int32_t fake_post_burst(uint32_t hLineApp, uint32_t count) {
    enter();
    int32_t rc = 0;
    app_t *a = find_app(hLineApp);
    if (!a) rc = LINEERR_INVALAPPHANDLE;
    else
        for (uint32_t i = 0; i < count; i++) {
            LINEMESSAGE m = {CALL_HANDLE_BASE, LINE_CALLSTATE, 0, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE, 0};
            q_push(a, &m);
        }
    return leave(rc);
}

FAKE_CONTROL void fake_reset(void) {
    fake_faults_reset();
    enter();
    for (int i = 0; i < MAX_APPS; i++) {
        app_t *a = &g_apps[i];
        if (!a->used) continue;
        a->alive = 0;
        a->q.count = 0;
        fake_event_close(a->ev);
        a->ev = NULL;
        pthread_cond_broadcast(&a->cv);
        app_release_slot_if_idle(a);
    }
    memset(g_lines, 0, sizeof g_lines);
    memset(g_pcalls, 0, sizeof g_pcalls);
    memset(g_hcalls, 0, sizeof g_hcalls);
    memset(g_reqs, 0, sizeof g_reqs);
    g_heap_len = 0;
    reset_config_locked();
    pthread_mutex_unlock(&g_mu);
}
