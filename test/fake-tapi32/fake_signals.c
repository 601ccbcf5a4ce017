/*
 * fake Tapi32: digits, tones and media on a call (tapi-reference.md §14.3, §14.4) — lineGenerateDigitsW,
 * lineGenerateTone, lineMonitorDigits, lineGatherDigitsW, lineMonitorTones, lineMonitorMedia — and the far end
 * that drives them: the scenario's scripted keys and media (5550108, 5550109, 5550110), presentIncomingCall's
 * digits, and the controls fake_remote_digits / fake_generated_* / fake_remote_tone / fake_remote_media.
 * Behaves like the simulator's signals.ts / seam-signals.ts: one generation and one gather per call, a new one
 * ends the old with CANCEL; DISCONNECTED / IDLE end both (CANCEL) before the state message; IDLE stops monitoring.
 * A gather buffer is written completely before its LINE_GATHERDIGITS is queued.
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "fake_control.h"
#include "fake_export.h"
#include "fake_internal.h"

#define DEFAULT_DIGIT_SECONDS 0.095
#define PAUSE_SECONDS 2.0
#define FLASH_SECONDS 0.5
#define BILLING_SECONDS 0.4
/* Real seconds per simulated second of the far end at time scale 0 (see schedule_far_end). */
#define FAR_END_PACE 0.2

static int pc_of(const pcall_t *p) { return (int)(p - g_pcalls); }

static int is_key(char16_t c) { return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D') || (c >= 'a' && c <= 'd'); }
static char upper_key(char16_t c) { return (char)(c >= 'a' && c <= 'd' ? c - 32 : c); }

/* Post to one handle of the call (if it is still there). */
static void to_handle(uint32_t hcall, uint32_t msg, uintptr_t p1, uintptr_t p2, uintptr_t p3) {
    hcall_t *h = find_hcall(hcall);
    line_t *l = h ? find_line(h->line) : NULL;
    if (l) post(l->app, h->h, msg, l->cbinst, p1, p2, p3);
}

static event_t signal_event(int kind, pcall_t *p, uint32_t a, uint32_t b, uint32_t c) {
    event_t e = call_event(kind, pc_of(p));
    e.a = a;
    e.b = b;
    e.c = c;
    return e;
}

/* ---- generation ----------------------------------------------------------------------------------- */

static void end_generation(pcall_t *p, uint32_t term) {
    fake_cc_call_t *cc = &p->cc;
    if (!cc->gen_handle) return;
    uint32_t h = cc->gen_handle;
    cc->gen_handle = 0;
    cc->gen_token++;
    if (cc->gen_tone >= 0 && (uint32_t)cc->gen_tone < cc->ntones) cc->tones[cc->gen_tone].ended = (int)term;
    to_handle(h, LINE_GENERATE, term, 0, tick_ms());
}

static void start_generation(pcall_t *p, const hcall_t *h, int tone) {
    end_generation(p, LINEGENERATETERM_CANCEL);
    p->cc.gen_handle = h->h;
    p->cc.gen_token++;
    p->cc.gen_tone = tone;
}

/* A generated digit has been sent completely: the far end hears it (5550109 hangs up on it). */
static void heard(pcall_t *p, char digit) {
    fake_cc_call_t *cc = &p->cc;
    if (cc->ngenerated < sizeof cc->generated - 1) {
        cc->generated[cc->ngenerated++] = digit;
        cc->generated[cc->ngenerated] = 0;
    }
    if (cc->hangs_up_on_generated && p->state == LINECALLSTATE_CONNECTED) {
        end_generation(p, LINEGENERATETERM_CANCEL);
        p->epoch++;
        set_state(pc_of(p), LINECALLSTATE_DISCONNECTED, LINEDISCONNECTMODE_NORMAL);
    }
}

static int32_t owner_not_idle(uint32_t hCall, call_ref_t *c) {
    int32_t rc = enter_call(hCall, c);
    if (!rc && c->h->priv != LINECALLPRIVILEGE_OWNER) rc = LINEERR_NOTOWNER;
    if (!rc && c->p->state == LINECALLSTATE_IDLE) rc = LINEERR_INVALCALLSTATE;
    return rc;
}

/* The refusal of seam-switching.ts requireFeature: never offered, wrong state, not available now. */
static int32_t require(const call_ref_t *c, uint32_t bit, uint32_t states) {
    if (!(fake_switching(c->p->dev)->call_features & bit)) return LINEERR_OPERATIONUNAVAIL;
    if (!(c->p->state & states)) return LINEERR_INVALCALLSTATE;
    if (!(cc_live_features(c->p, c->h, NULL) & bit)) return LINEERR_OPERATIONUNAVAIL;
    return 0;
}

TAPI_EXPORT LONG TAPI_CALL lineGenerateDigitsW(uint32_t hCall, uint32_t dwDigitMode, const char16_t *lpszDigits, uint32_t dwDuration) {
    call_ref_t c;
    int32_t rc = owner_not_idle(hCall, &c);
    size_t n = 0;
    if (rc) return leave(rc);
    if (!lpszDigits) {
        if (!take_fail("lineGenerateDigitsW", &rc, NULL)) end_generation(c.p, LINEGENERATETERM_CANCEL);
        return leave(rc);
    }
    if ((rc = require(&c, LINECALLFEATURE_GENERATEDIGITS, LINECALLSTATE_CONNECTED)) != 0) return leave(rc);
    if (!dwDigitMode || (dwDigitMode & (dwDigitMode - 1)) || !(dwDigitMode & fake_switching(c.p->dev)->generate_digit_modes))
        return leave(LINEERR_INVALDIGITMODE);
    if ((rc = read_wstr(lpszDigits, &n, LINEERR_INVALDIGITS)) != 0) return leave(rc);
    for (size_t i = 0; i < n; i++)
        if (!is_key(lpszDigits[i]) && lpszDigits[i] != ',' && lpszDigits[i] != '!') return leave(LINEERR_INVALDIGITS);
    if (take_fail("lineGenerateDigitsW", &rc, NULL)) return leave(rc);
    start_generation(c.p, c.h, -1);
    double digit = dwDuration ? dwDuration / 1000.0 : DEFAULT_DIGIT_SECONDS, at = 0;
    for (size_t i = 0; i < n; i++) {
        if (lpszDigits[i] == ',') at += PAUSE_SECONDS;
        else if (lpszDigits[i] == '!') at += FLASH_SECONDS;
        else {
            at += digit;
            schedule(signal_event(EV_GEN_DIGIT, c.p, c.p->cc.gen_token, (uint32_t)upper_key(lpszDigits[i]), 0), at);
            at += digit;
        }
    }
    schedule(signal_event(EV_GEN_DONE, c.p, c.p->cc.gen_token, 0, 0), at);
    return leave(0);
}

static int one_tone_mode(uint32_t m) {
    return m == LINETONEMODE_CUSTOM || m == LINETONEMODE_RINGBACK || m == LINETONEMODE_BUSY || m == LINETONEMODE_BEEP || m == LINETONEMODE_BILLING;
}

TAPI_EXPORT LONG TAPI_CALL lineGenerateTone(uint32_t hCall, uint32_t dwToneMode, uint32_t dwDuration, uint32_t dwNumTones, const LINEGENERATETONE *lpTones) {
    call_ref_t c;
    int32_t rc = owner_not_idle(hCall, &c);
    if (rc) return leave(rc);
    if (dwToneMode == 0) {
        if (!take_fail("lineGenerateTone", &rc, NULL)) end_generation(c.p, LINEGENERATETERM_CANCEL);
        return leave(rc);
    }
    if ((rc = require(&c, LINECALLFEATURE_GENERATETONE, LINECALLSTATE_CONNECTED)) != 0) return leave(rc);
    const switching_t *sw = fake_switching(c.p->dev);
    if (!one_tone_mode(dwToneMode) || !(dwToneMode & sw->generate_tone_modes)) return leave(LINEERR_INVALTONEMODE);
    if (dwToneMode == LINETONEMODE_CUSTOM) {
        if (!lpTones || dwNumTones == 0) return leave(LINEERR_INVALTONE);
        if (dwNumTones > sw->generate_tone_max_freq) return leave(LINEERR_INVALPOINTER);
        for (uint32_t i = 0; i < dwNumTones; i++)
            if (lpTones[i].dwVolume > 0xFFFFu) return leave(LINEERR_INVALTONE);
    }
    if (take_fail("lineGenerateTone", &rc, NULL)) return leave(rc);
    fake_cc_call_t *cc = &c.p->cc;
    end_generation(c.p, LINEGENERATETERM_CANCEL);
    int index = -1;
    if (cc->ntones < FAKE_MAX_GEN_TONES) {
        index = (int)cc->ntones++;
        fake_gen_tone_t *t = &cc->tones[index];
        memset(t, 0, sizeof *t);
        t->mode = dwToneMode;
        t->duration = dwDuration;
        if (dwToneMode == LINETONEMODE_CUSTOM)
            for (uint32_t i = 0; i < dwNumTones && i < 3; i++) t->freq[t->nfreq++] = lpTones[i].dwFrequency;
    }
    start_generation(c.p, c.h, index);
    double seconds = dwToneMode == LINETONEMODE_BILLING ? BILLING_SECONDS : dwDuration / 1000.0;
    if (seconds > 0) schedule(signal_event(EV_GEN_DONE, c.p, cc->gen_token, 0, 0), seconds);
    return leave(0);
}

/* ---- gathering ------------------------------------------------------------------------------------ */

static void end_gather(pcall_t *p, uint32_t term) {
    fake_cc_call_t *cc = &p->cc;
    if (!cc->gather_handle) return;
    uint32_t h = cc->gather_handle;
    cc->gather_handle = 0;
    cc->gather_token++;
    if (!find_hcall(h)) return; /* the handle is gone: the app may have freed the buffer */
    memcpy(cc->gather_buf, cc->gather_digits, cc->gather_len * 2);
    if (cc->gather_len < cc->gather_num) cc->gather_buf[cc->gather_len] = 0;
    to_handle(h, LINE_GATHERDIGITS, term, 0, tick_ms());
}

static void gather_timer(pcall_t *p, uint32_t ms, uint32_t term) {
    p->cc.gather_token++;
    schedule(signal_event(EV_GATHER_TIMEOUT, p, p->cc.gather_token, term, 0), ms / 1000.0);
}

TAPI_EXPORT LONG TAPI_CALL lineGatherDigitsW(uint32_t hCall, uint32_t dwDigitModes, char16_t *lpsDigits, uint32_t dwNumDigits,
                                             const char16_t *lpszTerminationDigits, uint32_t dwFirstDigitTimeout, uint32_t dwInterDigitTimeout) {
    call_ref_t c;
    int32_t rc = enter_call(hCall, &c);
    size_t nt = 0;
    if (!rc && c.h->priv != LINECALLPRIVILEGE_OWNER) rc = LINEERR_NOTOWNER;
    if (rc) return leave(rc);
    if (!lpsDigits) {
        if (!take_fail("lineGatherDigitsW", &rc, NULL)) end_gather(c.p, LINEGATHERTERM_CANCEL);
        return leave(rc);
    }
    if ((rc = require(&c, LINECALLFEATURE_GATHERDIGITS, LINECALLSTATE_CONNECTED)) != 0) return leave(rc);
    const switching_t *sw = fake_switching(c.p->dev);
    if (!dwDigitModes || (dwDigitModes & ~(LINEDIGITMODE_PULSE | LINEDIGITMODE_DTMF)) || (dwDigitModes & ~sw->monitor_digit_modes))
        return leave(LINEERR_INVALDIGITMODE);
    if (dwNumDigits < 1 || dwNumDigits > sizeof c.p->cc.gather_digits / 2) return leave(LINEERR_INVALPARAM);
    if (lpszTerminationDigits) {
        if ((rc = read_wstr(lpszTerminationDigits, &nt, LINEERR_INVALDIGITS)) != 0) return leave(rc);
        if (nt >= sizeof c.p->cc.gather_terms) return leave(LINEERR_INVALDIGITS);
        for (size_t i = 0; i < nt; i++)
            if (!is_key(lpszTerminationDigits[i])) return leave(LINEERR_INVALDIGITS);
    }
    uint32_t timeouts[2] = {dwFirstDigitTimeout, dwInterDigitTimeout};
    for (int i = 0; i < 2; i++)
        if (timeouts[i] && (timeouts[i] < sw->gather_min_timeout || timeouts[i] > sw->gather_max_timeout)) return leave(LINEERR_INVALTIMEOUT);
    if (take_fail("lineGatherDigitsW", &rc, NULL)) return leave(rc);
    fake_cc_call_t *cc = &c.p->cc;
    end_gather(c.p, LINEGATHERTERM_CANCEL);
    cc->gather_handle = c.h->h;
    cc->gather_token++;
    cc->gather_buf = lpsDigits;
    cc->gather_num = dwNumDigits;
    cc->gather_modes = dwDigitModes;
    cc->gather_inter = dwInterDigitTimeout;
    cc->gather_len = 0;
    for (size_t i = 0; i < nt; i++) cc->gather_terms[i] = upper_key(lpszTerminationDigits[i]);
    cc->gather_terms[nt] = 0;
    if (dwFirstDigitTimeout) gather_timer(c.p, dwFirstDigitTimeout, LINEGATHERTERM_FIRSTTIMEOUT);
    return leave(0);
}

/* ---- monitoring ----------------------------------------------------------------------------------- */

TAPI_EXPORT LONG TAPI_CALL lineMonitorDigits(uint32_t hCall, uint32_t dwDigitModes) {
    call_ref_t c;
    int32_t rc = enter_call(hCall, &c);
    if (rc) return leave(rc);
    if (c.p->state == LINECALLSTATE_IDLE || c.p->state == LINECALLSTATE_DISCONNECTED) return leave(LINEERR_INVALCALLSTATE);
    if (dwDigitModes & ~fake_switching(c.p->dev)->monitor_digit_modes) return leave(LINEERR_INVALDIGITMODE);
    if (take_fail("lineMonitorDigits", &rc, NULL)) return leave(rc);
    c.h->monitor_modes = dwDigitModes;
    return leave(0);
}

TAPI_EXPORT LONG TAPI_CALL lineMonitorTones(uint32_t hCall, const LINEMONITORTONE *lpToneList, uint32_t dwNumEntries) {
    call_ref_t c;
    int32_t rc = enter_call(hCall, &c);
    if (rc) return leave(rc);
    if (c.p->state == LINECALLSTATE_IDLE) return leave(LINEERR_INVALCALLSTATE);
    uint32_t n = lpToneList ? dwNumEntries : 0;
    if (n > fake_switching(c.p->dev)->monitor_tone_max_entries || n > FAKE_MAX_MONITOR_TONES) return leave(LINEERR_INVALPOINTER);
    if (take_fail("lineMonitorTones", &rc, NULL)) return leave(rc);
    c.h->tones_token++;
    c.h->ntones = n;
    for (uint32_t i = 0; i < n; i++) c.h->tones[i] = lpToneList[i];
    return leave(0);
}

TAPI_EXPORT LONG TAPI_CALL lineMonitorMedia(uint32_t hCall, uint32_t dwMediaModes) {
    call_ref_t c;
    int32_t rc = enter_call(hCall, &c);
    if (rc) return leave(rc);
    if (c.p->state == LINECALLSTATE_IDLE) return leave(LINEERR_INVALCALLSTATE);
    if ((dwMediaModes & ~LINEMEDIAMODE_ALL) || (dwMediaModes & ~(DEV_MEDIA_MODES(c.p->dev) | LINEMEDIAMODE_UNKNOWN)))
        return leave(LINEERR_INVALMEDIAMODE);
    if (take_fail("lineMonitorMedia", &rc, NULL)) return leave(rc);
    c.h->monitor_media = dwMediaModes;
    return leave(0);
}

/* ---- the far end ---------------------------------------------------------------------------------- */

/* One key: monitoring handles hear it, the running gather collects it. Connected calls only. */
static void far_digit(pcall_t *p, char digit, uint32_t mode) {
    if (p->state != LINECALLSTATE_CONNECTED) return;
    if (!(fake_switching(p->dev)->monitor_digit_modes & mode)) return; /* the line cannot detect this signalling */
    int pc = pc_of(p);
    for (int i = 0; i < MAX_HCALLS; i++) {
        hcall_t *h = &g_hcalls[i];
        line_t *l = handle_line(h, pc);
        if (!l) continue;
        if (h->monitor_modes & mode) post(l->app, h->h, LINE_MONITORDIGITS, l->cbinst, (uintptr_t)(unsigned char)digit, mode, tick_ms());
        if (mode == LINEDIGITMODE_DTMF && (h->monitor_modes & LINEDIGITMODE_DTMFEND))
            post(l->app, h->h, LINE_MONITORDIGITS, l->cbinst, (uintptr_t)(unsigned char)digit, LINEDIGITMODE_DTMFEND, tick_ms());
    }
    fake_cc_call_t *cc = &p->cc;
    if (!cc->gather_handle || !(cc->gather_modes & mode)) return;
    cc->gather_digits[cc->gather_len++] = (char16_t)digit;
    cc->gather_token++; /* the running timer no longer counts */
    if (strchr(cc->gather_terms, digit)) end_gather(p, LINEGATHERTERM_TERMDIGIT);
    else if (cc->gather_len >= cc->gather_num) end_gather(p, LINEGATHERTERM_BUFFERFULL);
    else if (cc->gather_inter) gather_timer(p, cc->gather_inter, LINEGATHERTERM_INTERTIMEOUT);
}

static void press_digits(pcall_t *p, const char *digits, uint32_t mode, double first_after, double interval) {
    for (size_t i = 0; digits[i]; i++) {
        double at = first_after + (double)i * interval;
        if (at <= 0) far_digit(p, digits[i], mode);
        else schedule_far_end(signal_event(EV_FAR_DIGIT, p, 0, (uint32_t)(unsigned char)digits[i], mode), at, FAR_END_PACE);
    }
}

static void far_media(pcall_t *p, uint32_t mode) {
    if (p->state == LINECALLSTATE_IDLE) return;
    int pc = pc_of(p);
    for (int i = 0; i < MAX_HCALLS; i++) {
        hcall_t *h = &g_hcalls[i];
        line_t *l = handle_line(h, pc);
        if (l && (h->monitor_media & mode)) post(l->app, h->h, LINE_MONITORMEDIA, l->cbinst, mode, 0, tick_ms());
    }
}

static void sort3(uint32_t *f, uint32_t n) {
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && f[j] < f[j - 1]; j--) {
            uint32_t t = f[j];
            f[j] = f[j - 1];
            f[j - 1] = t;
        }
}

/* The non-zero frequencies, sorted: how a tone is compared with a monitored entry. */
static uint32_t tone_key(const uint32_t *in, uint32_t n, uint32_t out[3]) {
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (in[i] && k < 3) out[k++] = in[i];
        else if (in[i]) return 4; /* more than any entry can describe */
    sort3(out, k);
    return k;
}

static void tone_report(pcall_t *p, hcall_t *h, uint32_t app_specific) {
    line_t *l = handle_line(h, pc_of(p));
    if (l && p->state == LINECALLSTATE_CONNECTED) post(l->app, h->h, LINE_MONITORTONE, l->cbinst, app_specific, 0, tick_ms());
}

static void far_tone(pcall_t *p, const uint32_t *freqs, uint32_t n) {
    if (p->state != LINECALLSTATE_CONNECTED) return;
    uint32_t want[3], nw = tone_key(freqs, n, want);
    int pc = pc_of(p);
    for (int i = 0; i < MAX_HCALLS; i++) {
        hcall_t *h = &g_hcalls[i];
        if (!handle_line(h, pc)) continue;
        for (uint32_t k = 0; k < h->ntones; k++) {
            const LINEMONITORTONE *t = &h->tones[k];
            uint32_t f[3] = {t->dwFrequency1, t->dwFrequency2, t->dwFrequency3}, have[3];
            uint32_t nh = tone_key(f, 3, have);
            if (nh != nw || memcmp(have, want, nw * 4) != 0) continue;
            if (t->dwDuration > 0) schedule(signal_event(EV_TONE_REPORT, p, h->h, h->tones_token, t->dwAppSpecific), t->dwDuration / 1000.0);
            else tone_report(p, h, t->dwAppSpecific);
        }
    }
}

void cc_far_end_from_scenario(pcall_t *p) {
    const fake_scenario_t *s = p->scenario;
    if (!s || p->cc.presses) return;
    p->cc.presses = s->presses;
    p->cc.presses_after = s->presses_after;
    p->cc.presses_interval = s->presses_interval;
    p->cc.hangs_up_on_generated = s->hangs_up_on_generated;
    p->cc.media_mode = s->media_mode;
    p->cc.media_after = s->media_after;
}

static void start_far_end(pcall_t *p) {
    p->cc.far_started = 1;
    if (p->cc.presses) press_digits(p, p->cc.presses, LINEDIGITMODE_DTMF, p->cc.presses_after, p->cc.presses_interval);
    if (p->cc.media_mode) schedule_far_end(signal_event(EV_FAR_MEDIA, p, 0, p->cc.media_mode, 0), p->cc.media_after, FAR_END_PACE);
}

/* ---- hooks of set_state and the scheduler ------------------------------------------------------- */

void cc_before_state(int pc, uint32_t state) {
    pcall_t *p = pc_at(pc);
    if (!p || (state != LINECALLSTATE_DISCONNECTED && state != LINECALLSTATE_IDLE)) return;
    end_generation(p, LINEGENERATETERM_CANCEL);
    end_gather(p, LINEGATHERTERM_CANCEL);
    if (state != LINECALLSTATE_IDLE) return;
    for (int i = 0; i < MAX_HCALLS; i++) {
        hcall_t *h = &g_hcalls[i];
        if (!h->used || h->pc != pc) continue;
        h->monitor_modes = 0;
        h->monitor_media = 0;
        h->ntones = 0;
        h->tones_token++;
    }
}

void cc_after_state(int pc, uint32_t state) {
    pcall_t *p = pc_at(pc);
    if (!p) return;
    if (state == LINECALLSTATE_CONNECTED || state == LINECALLSTATE_IDLE || state == LINECALLSTATE_DISCONNECTED) p->cc.answering = 0;
    if (state == LINECALLSTATE_CONNECTED && p->cc.deferred[0]) {
        char keys[sizeof p->cc.deferred];
        memcpy(keys, p->cc.deferred, sizeof keys);
        p->cc.deferred[0] = 0;
        press_digits(p, keys, p->cc.deferred_mode, 0, p->cc.deferred_interval);
    }
    if (state == LINECALLSTATE_CONNECTED && !p->cc.far_started) start_far_end(p);
    if (state == LINECALLSTATE_IDLE) cc_after_drop(pc);
}

void cc_run_event(event_t *e) {
    pcall_t *p = pc_at(e->pc);
    if (!p || p->id != e->pc_id) return;
    switch (e->kind) {
    case EV_GEN_DIGIT:
        if (p->cc.gen_handle && p->cc.gen_token == e->a) heard(p, (char)e->b);
        break;
    case EV_GEN_DONE:
        if (p->cc.gen_handle && p->cc.gen_token == e->a) end_generation(p, LINEGENERATETERM_DONE);
        break;
    case EV_GATHER_TIMEOUT:
        if (p->cc.gather_handle && p->cc.gather_token == e->a) end_gather(p, e->b);
        break;
    case EV_FAR_DIGIT:
        if (p->epoch == e->epoch) far_digit(p, (char)e->b, e->c);
        break;
    case EV_FAR_MEDIA:
        if (p->epoch == e->epoch) far_media(p, e->b);
        break;
    case EV_TONE_REPORT: {
        hcall_t *h = find_hcall(e->a);
        if (p->epoch == e->epoch && h && h->pc == e->pc && h->tones_token == e->b) tone_report(p, h, e->c);
        break;
    }
    default:
        break;
    }
}

/* ---- controls ------------------------------------------------------------------------------------- */

/* An HCALL, else a call id (LINECALLINFO.dwCallID). */
static pcall_t *target_call(uint32_t target) {
    hcall_t *h = find_hcall(target);
    if (h) return pc_at(h->pc);
    for (int i = 0; i < MAX_PCALLS; i++)
        if (g_pcalls[i].used && g_pcalls[i].id == target) return &g_pcalls[i];
    return NULL;
}

FAKE_CONTROL int32_t fake_remote_digits(uint32_t target, const char16_t *digits, double interDigitMs, uint32_t digitMode) {
    enter();
    pcall_t *p = target_call(target);
    int ok = 0;
    size_t n = digits ? u16len_bounded(digits, 256, &ok) : 0;
    if (!p) return leave(LINEERR_INVALCALLHANDLE);
    if (!ok || n == 0 || !(interDigitMs >= 0) || (digitMode != LINEDIGITMODE_DTMF && digitMode != LINEDIGITMODE_PULSE)) return leave(LINEERR_INVALPARAM);
    char keys[257];
    for (size_t i = 0; i < n; i++) {
        if (!is_key(digits[i])) return leave(LINEERR_INVALDIGITS);
        keys[i] = upper_key(digits[i]);
    }
    keys[n] = 0;
    if (p->cc.answering && p->state != LINECALLSTATE_CONNECTED) {
        /* The simulator connects inside lineAnswer; here the answer's reply and CONNECTED are still queued:
         * the keys are pressed as the call connects, in the same turn as that state. */
        size_t have = strlen(p->cc.deferred);
        if (have + n < sizeof p->cc.deferred) memcpy(p->cc.deferred + have, keys, n + 1);
        p->cc.deferred_mode = digitMode;
        p->cc.deferred_interval = interDigitMs / 1000.0;
        return leave(0);
    }
    press_digits(p, keys, digitMode, 0, interDigitMs / 1000.0);
    return leave(0);
}

FAKE_CONTROL int32_t fake_generated_digits(uint32_t target, char16_t *buf, uint32_t units) {
    enter();
    pcall_t *p = target_call(target);
    if (!p) return leave(LINEERR_INVALCALLHANDLE);
    uint32_t n = (uint32_t)p->cc.ngenerated;
    for (uint32_t i = 0; buf && i < n && i + 1 < units; i++) buf[i] = (char16_t)p->cc.generated[i];
    if (buf && units) buf[n < units ? n : units - 1] = 0;
    return leave((int32_t)n);
}

FAKE_CONTROL int32_t fake_generated_tone(uint32_t target, uint32_t index, uint32_t *out7) {
    enter();
    pcall_t *p = target_call(target);
    if (!p) return leave(LINEERR_INVALCALLHANDLE);
    if (index >= p->cc.ntones || !out7) return leave(-1);
    const fake_gen_tone_t *t = &p->cc.tones[index];
    uint32_t v[7] = {t->mode, t->duration, t->nfreq, t->freq[0], t->freq[1], t->freq[2], (uint32_t)t->ended};
    memcpy(out7, v, sizeof v);
    return leave(0);
}

FAKE_CONTROL int32_t fake_remote_tone(uint32_t target, const uint32_t *frequencies, uint32_t count) {
    enter();
    pcall_t *p = target_call(target);
    if (!p) return leave(LINEERR_INVALCALLHANDLE);
    if (count && !frequencies) return leave(LINEERR_INVALPARAM);
    far_tone(p, frequencies, count);
    return leave(0);
}

FAKE_CONTROL int32_t fake_remote_media(uint32_t target, uint32_t mediaMode) {
    enter();
    pcall_t *p = target_call(target);
    if (!p) return leave(LINEERR_INVALCALLHANDLE);
    if (!mediaMode || (mediaMode & (mediaMode - 1)) || (mediaMode & ~LINEMEDIAMODE_ALL)) return leave(LINEERR_INVALMEDIAMODE);
    far_media(p, mediaMode);
    return leave(0);
}
