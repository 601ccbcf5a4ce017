/*
 * Shared state of the fake Tapi32's translation units (fake_tapi32.c: lines, calls, requests, messages,
 * scheduler; fake_call_control.c: transfer, hold, privilege; fake_signals.c: digits, tones, media).
 * Everything here runs with the global lock held (enter() ... leave()).
 */
#ifndef FAKE_INTERNAL_H
#define FAKE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <pthread.h>

#include "tapi_abi.h"
#include "tapi_call_control.h"
#include "fake_event.h"
#include "scenarios.h"

#define FAKE_MAX_MONITOR_TONES 4u
#define FAKE_MAX_GEN_TONES 16u

/* What a call generated (fake_generated) and its running generation / gather (tapi-reference.md §14.3). */
typedef struct {
    uint32_t mode, duration, nfreq, freq[3];
    int ended; /* 0 running, LINEGENERATETERM_DONE / _CANCEL */
} fake_gen_tone_t;

typedef struct {
    /* transfer / conference links: pcall slot + id (a slot may be reused) */
    int peer_pc;
    uint32_t peer_id;
    int conf_pc;
    uint32_t conf_id;
    int is_conference;
    /* far end */
    int far_started;
    int answering; /* lineAnswer accepted, CONNECTED not yet entered */
    /* keys the far end pressed while our answer was in flight: pressed as the call connects */
    char deferred[257];
    uint32_t deferred_mode;
    double deferred_interval;
    const char *presses; /* DTMF keys pressed after connecting (scenario or presentIncomingCall digits) */
    double presses_after, presses_interval;
    char own_presses[64];
    int hangs_up_on_generated;
    uint32_t media_mode;
    double media_after;
    /* generation (one per call) */
    uint32_t gen_handle; /* 0 = none */
    uint32_t gen_token;
    int gen_tone; /* index into tones, -1 for digits */
    /* gather (one per call) */
    uint32_t gather_handle; /* 0 = none */
    uint32_t gather_token;
    char16_t *gather_buf;
    uint32_t gather_num, gather_modes, gather_inter, gather_len;
    char gather_terms[64];
    char16_t gather_digits[256];
    /* what the far end heard */
    char generated[256];
    size_t ngenerated;
    fake_gen_tone_t tones[FAKE_MAX_GEN_TONES];
    uint32_t ntones;
} fake_cc_call_t;

#define NUM_DEVS 2u
#define MAX_APPS 64
#define MAX_LINES 256
#define MAX_PCALLS 256
#define MAX_HCALLS 512
#define MAX_REQS 512
#define MAX_DIGITS 256
#define MAX_TEXT 256 /* char16_t units kept per string field */
#define MAX_STRING_SCAN 65536u
#define MAX_PARAMS_BYTES 65536u
#define INFINITE_TIMEOUT 0xFFFFFFFFu

/* Handles live in distinct ranges above 0x80000000: a caller that reads them as signed int32 breaks at once. */
#define APP_HANDLE_BASE 0x8A000000u
#define LINE_HANDLE_BASE 0x8B000000u
#define CALL_HANDLE_BASE 0xC0000000u

static const uint32_t k_versions[] = {TAPI_V1_3, TAPI_V1_4, TAPI_V2_0, TAPI_V2_1, TAPI_V2_2, TAPI_V3_0, TAPI_V3_1};
#define FAKE_HIGHEST_VERSION TAPI_V3_1

/* ------------------------------------------------------------------------------------------------ */
/* state                                                                                             */

typedef struct {
    LINEMESSAGE *buf;
    size_t cap, head, count;
} msgq_t;

typedef struct {
    int used;  /* slot taken (stays taken after shutdown until the last blocked reader left) */
    int alive; /* initialised and not shut down */
    uint32_t h;
    msgq_t q;
    pthread_cond_t cv;
    fake_event_t *ev; /* Handles.hEvent: signalled while q holds a message */
    int readers;
    char16_t name[MAX_TEXT];
    size_t name_len;
} app_t;

typedef struct {
    int used;
    uint32_t h;
    uint32_t app;
    uint32_t dev;
    uint32_t ver;
    uintptr_t cbinst;
    uint32_t priv;
    uint32_t media;
    uint32_t line_states, addr_states;
} line_t;

typedef struct {
    char16_t s[MAX_TEXT];
    size_t len; /* units, without NUL; 0 = absent */
} text_t;

typedef struct {
    int used;
    uint32_t id; /* unique, never reused: stale events check it */
    uint32_t dev;
    uint32_t state, mode;
    uint32_t epoch; /* bumped when the far-end program is cancelled (drop, hang-up, answer, idle) */
    int outbound;
    char digits[MAX_DIGITS];
    size_t ndigits;
    int dial_complete;
    int noanswer_armed;
    int significant; /* the number has something to dial (not only formatting / ';') */
    int dialing_scheduled, proceeding_scheduled;
    uint32_t noanswer_secs;
    const fake_scenario_t *scenario;
    uint32_t bearer, media, rate, address_id, param_flags, country;
    LINEDIALPARAMS dial;
    text_t caller, caller_name, called, called_name, displayable, called_party, comment, app_name;
    struct timespec entered;
    fake_cc_call_t cc; /* call control, digits, tones, media (fake_call_control.c, fake_signals.c) */
} pcall_t;

typedef struct {
    int used;
    uint32_t h;
    int pc; /* pcall slot */
    uint32_t line;
    uint32_t priv;
    int first_sent;
    uint32_t monitor_modes;
    uint32_t monitor_media;          /* lineMonitorMedia */
    uint32_t tones_token;            /* bumped by every lineMonitorTones: stale reports are dropped */
    uint32_t ntones;                 /* lineMonitorTones entries in effect (0 = none) */
    LINEMONITORTONE tones[FAKE_MAX_MONITOR_TONES];
} hcall_t;

enum { REQ_MAKECALL = 1, REQ_DIAL, REQ_DROP, REQ_ANSWER, REQ_FAIL };
/* Requests of fake_call_control.c: their reply and effect are done by cc_complete_request(). */
enum { REQ_CC_FIRST = 100, REQ_ACCEPT = REQ_CC_FIRST, REQ_LEAVE, REQ_SETUPTRANSFER, REQ_COMPLETETRANSFER, REQ_HOLD, REQ_UNHOLD, REQ_SWAPHOLD };

typedef struct {
    int used;
    uint32_t id;
    uint32_t app;
    uint32_t line;
    int kind;
    int32_t result;
    uint32_t *lphCall;
    uint32_t hcall;
    char digits[MAX_DIGITS];
    size_t ndigits;
    int complete;
    int significant;
    uint32_t hcall2;   /* lineCompleteTransfer: the consultation call; lineSwapHold: the held call; new call of setup/complete */
    uint32_t mode;     /* lineCompleteTransfer: LINETRANSFERMODE_* */
    uint32_t *lphSlot; /* lphConsultCall / lphConfCall: written right before the reply is queued */
} req_t;

enum { EV_REPLY = 1, EV_STAGE, EV_STATE, EV_NOANSWER, EV_POST, EV_INCOMING };
/* Events of fake_signals.c (run by cc_run_event, which checks their own tokens). */
enum { EV_CC_FIRST = 100, EV_GEN_DIGIT = EV_CC_FIRST, EV_GEN_DONE, EV_GATHER_TIMEOUT, EV_FAR_DIGIT, EV_FAR_MEDIA, EV_TONE_REPORT };
enum { STAGE_DIALTONE = 1, STAGE_DIALING, STAGE_PROCEEDING, STAGE_STEP };

typedef struct {
    uint64_t due_ns; /* real time (CLOCK_MONOTONIC) */
    double vdue;     /* virtual seconds: orders events exactly as at time scale 1 */
    uint64_t seq;
    int kind;
    int pc;
    uint32_t pc_id, epoch;
    uint32_t a, b, c;
    LINEMESSAGE msg;
} event_t;


/* A call handle with its line and call. */
typedef struct {
    hcall_t *h;
    line_t *l;
    pcall_t *p;
} call_ref_t;

typedef struct {
    uint32_t bearer, media, max_rate, max_calls, uui, permanent_id;
} devinfo_t;
extern const devinfo_t k_devs[NUM_DEVS];
#define DEV_BEARER_MODES(d) (k_devs[d].bearer)
#define DEV_MEDIA_MODES(d) (k_devs[d].media)
#define DEV_UUI_SIZE(d) (k_devs[d].uui)

/* The switching capabilities of a device's address (lib/tapi/providers/simulator/devices.ts). */
typedef struct {
    uint32_t call_features, call_features2, addr_cap_flags, transfer_modes;
    uint32_t max_held, max_held_pending, max_conference;
    uint32_t generate_digit_modes, monitor_digit_modes, generate_tone_modes, generate_tone_max_freq;
    uint32_t monitor_tone_max_freq, monitor_tone_max_entries, gather_min_timeout, gather_max_timeout;
} switching_t;
const switching_t *fake_switching(uint32_t dev);

extern app_t g_apps[MAX_APPS];
extern line_t g_lines[MAX_LINES];
extern pcall_t g_pcalls[MAX_PCALLS];
extern hcall_t g_hcalls[MAX_HCALLS];
extern req_t g_reqs[MAX_REQS];
extern double g_vnow;

/* fake_tapi32.c */
uint32_t tick_ms(void);
void misuse(void);
int32_t misused(int32_t err);
size_t u16len_bounded(const char16_t *s, size_t max, int *ok);
int u16_valid(const char16_t *s, size_t n);
void text_set(text_t *t, const char16_t *s, size_t n);
int is_known_version(uint32_t v);
void put32(void *base, size_t off, uint32_t v);
typedef struct {
    uint8_t *base;
    uint32_t total, used, needed;
} varpack_t;
void var_add(varpack_t *vp, size_t size_field_off, const void *data, uint32_t n);
void var_add_text(varpack_t *vp, size_t size_field_off, const text_t *t);
int32_t varstruct_begin(uint8_t *b, uint32_t fixed, varpack_t *vp);
void varstruct_end(const varpack_t *vp);
app_t *find_app(uint32_t h);
line_t *find_line(uint32_t h);
hcall_t *find_hcall(uint32_t h);
void post(uint32_t happ, uint32_t hdev, uint32_t id, uintptr_t cb, uintptr_t p1, uintptr_t p2, uintptr_t p3);
void schedule(event_t e, double delay);
void schedule_far_end(event_t e, double delay, double real_per_second);
void enter(void);
int32_t leave(int32_t rc);
pcall_t *pc_at(int i);
int pcall_new(uint32_t dev);
hcall_t *hcall_new(int pc, uint32_t line, uint32_t priv);
int pcall_handle_count(int pc);
line_t *handle_line(const hcall_t *h, int pc);
void set_state(int pc, uint32_t state, uint32_t mode);
event_t call_event(int kind, int pc);
int awaiting_digits(const pcall_t *p);
req_t *req_new(uint32_t app, uint32_t line, int kind);
int32_t accept_request(req_t *r);
int take_fail(const char *fn, int32_t *rc, const line_t *l);
int32_t parse_dial(const char16_t *s, size_t n, uint32_t caps, char *digits, size_t *nd, int *partial, int *significant);
uint32_t dev_capflags(uint32_t dev);
int32_t read_wstr(const char16_t *s, size_t *n, int32_t bad_text_err);
int begin_get(void *out, const char *fn, uint32_t fixed, varpack_t *vp, int32_t *rc);
int32_t check_call_params(const uint8_t *b, uint32_t ver, uint32_t dev);
int32_t enter_call(uint32_t hCall, call_ref_t *c);
req_t *call_request(const call_ref_t *c, int kind);

/* fake_call_control.c */
uint32_t cc_live_features(const pcall_t *p, const hcall_t *h, uint32_t *features2);
void cc_complete_request(req_t *r, uintptr_t reply_param2);
void cc_after_drop(int pc);
pcall_t *cc_peer(const pcall_t *p);

/* fake_signals.c */
void cc_before_state(int pc, uint32_t state);
void cc_after_state(int pc, uint32_t state);
void cc_run_event(event_t *e);
void cc_far_end_from_scenario(pcall_t *p);

#endif
