/*
 * fake Tapi32: call control (tapi-reference.md §14.1, §14.2) — lineAccept, lineRedirectW, lineBlindTransferW,
 * lineSetupTransferW, lineCompleteTransfer, lineHold, lineUnhold, lineSwapHold, lineSetCallPrivilege,
 * lineSetMediaMode, lineHandoffW, lineGetAddressCapsW, lineSetAppPriorityW, and the live call features of
 * LINECALLSTATUS. It behaves like the simulator (lib/tapi/providers/simulator: features.ts, switching.ts,
 * seam-switching.ts, devices.ts): the same refusals in the same order, the same state sequences, the same
 * capabilities per device (line 1, the analog line: no transfer, no hold, no redirect, pulse digits only).
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "fake_export.h"
#include "fake_internal.h"
#include "tapi_device_id.h"

#define F_SIGNALS                                                                                                       \
    (LINECALLFEATURE_GATHERDIGITS | LINECALLFEATURE_GENERATEDIGITS | LINECALLFEATURE_GENERATETONE |                     \
     LINECALLFEATURE_MONITORDIGITS | LINECALLFEATURE_MONITORMEDIA | LINECALLFEATURE_MONITORTONES)
#define ALL_TONES (LINETONEMODE_CUSTOM | LINETONEMODE_RINGBACK | LINETONEMODE_BUSY | LINETONEMODE_BEEP | LINETONEMODE_BILLING)
#define HELD_STATES (LINECALLSTATE_ONHOLD | LINECALLSTATE_ONHOLDPENDTRANSFER | LINECALLSTATE_ONHOLDPENDCONF)
#define CONSULT_COMPLETABLE (LINECALLSTATE_CONNECTED | LINECALLSTATE_RINGBACK | LINECALLSTATE_BUSY | LINECALLSTATE_PROCEEDING)

static const switching_t k_switching[NUM_DEVS] = {
    /* Simulated Line 1: a business line on a switch (fullSwitching) */
    {LINECALLFEATURE_ACCEPT | LINECALLFEATURE_ANSWER | LINECALLFEATURE_DIAL | LINECALLFEATURE_DROP | LINECALLFEATURE_REDIRECT |
         LINECALLFEATURE_HOLD | LINECALLFEATURE_UNHOLD | LINECALLFEATURE_SWAPHOLD | LINECALLFEATURE_BLINDTRANSFER |
         LINECALLFEATURE_SETUPTRANSFER | LINECALLFEATURE_COMPLETETRANSF | F_SIGNALS,
     LINECALLFEATURE2_TRANSFERNORM | LINECALLFEATURE2_TRANSFERCONF, LINEADDRCAPFLAGS_DIALED | LINEADDRCAPFLAGS_AUTORECONNECT,
     LINETRANSFERMODE_TRANSFER | LINETRANSFERMODE_CONFERENCE, 2, 1, 3, LINEDIGITMODE_PULSE | LINEDIGITMODE_DTMF,
     LINEDIGITMODE_PULSE | LINEDIGITMODE_DTMF | LINEDIGITMODE_DTMFEND, ALL_TONES, 3, 3, 4, 10, 600000},
    /* Simulated Analog Line (analogSwitching) */
    {LINECALLFEATURE_ACCEPT | LINECALLFEATURE_ANSWER | LINECALLFEATURE_DIAL | LINECALLFEATURE_DROP | F_SIGNALS, 0,
     LINEADDRCAPFLAGS_DIALED, 0, 0, 0, 0, LINEDIGITMODE_PULSE, LINEDIGITMODE_PULSE,
     LINETONEMODE_BEEP | LINETONEMODE_BUSY | LINETONEMODE_RINGBACK, 1, 3, 4, 10, 600000},
};

const switching_t *fake_switching(uint32_t dev) { return &k_switching[dev < NUM_DEVS ? dev : 0]; }

/* ---- links between calls ------------------------------------------------------------------------ */

static int pc_index(const pcall_t *p) { return (int)(p - g_pcalls); }

static pcall_t *linked(int pc, uint32_t id) {
    pcall_t *p = pc_at(pc);
    return p && p->id == id && id ? p : NULL;
}

pcall_t *cc_peer(const pcall_t *p) { return linked(p->cc.peer_pc, p->cc.peer_id); }

static void link_peers(pcall_t *a, pcall_t *b) {
    a->cc.peer_pc = pc_index(b);
    a->cc.peer_id = b->id;
    b->cc.peer_pc = pc_index(a);
    b->cc.peer_id = a->id;
}

static void unlink_peer(pcall_t *p) {
    pcall_t *q = cc_peer(p);
    p->cc.peer_id = 0;
    if (q && q->cc.peer_id == p->id) q->cc.peer_id = 0;
}

/* ---- live features (features.ts) ---------------------------------------------------------------- */

static int held_count(uint32_t dev, uint32_t state) {
    int n = 0;
    for (int i = 0; i < MAX_PCALLS; i++)
        if (g_pcalls[i].used && g_pcalls[i].dev == dev && g_pcalls[i].state == state) n++;
    return n;
}

static int owned_by_line(int pc, uint32_t line) {
    for (int i = 0; i < MAX_HCALLS; i++)
        if (g_hcalls[i].used && g_hcalls[i].pc == pc && g_hcalls[i].line == line && g_hcalls[i].priv == LINECALLPRIVILEGE_OWNER) return 1;
    return 0;
}

uint32_t cc_live_features(const pcall_t *p, const hcall_t *h, uint32_t *features2) {
    const switching_t *sw = fake_switching(p->dev);
    uint32_t f = 0, f2 = 0, state = p->state;
    if (state != LINECALLSTATE_IDLE && state != 0) {
        f |= LINECALLFEATURE_MONITORMEDIA | LINECALLFEATURE_MONITORTONES;
        if (state != LINECALLSTATE_DISCONNECTED) f |= LINECALLFEATURE_MONITORDIGITS;
    }
    if (h->priv == LINECALLPRIVILEGE_OWNER && state != LINECALLSTATE_IDLE) {
        f |= LINECALLFEATURE_DROP;
        switch (state) {
        case LINECALLSTATE_OFFERING:
            f |= LINECALLFEATURE_ACCEPT | LINECALLFEATURE_ANSWER | LINECALLFEATURE_REDIRECT;
            break;
        case LINECALLSTATE_ACCEPTED:
            f |= LINECALLFEATURE_ANSWER;
            break;
        case LINECALLSTATE_DIALTONE:
        case LINECALLSTATE_DIALING:
            if (awaiting_digits(p)) f |= LINECALLFEATURE_DIAL;
            break;
        case LINECALLSTATE_CONNECTED:
            f |= LINECALLFEATURE_GENERATEDIGITS | LINECALLFEATURE_GENERATETONE | LINECALLFEATURE_GATHERDIGITS | LINECALLFEATURE_BLINDTRANSFER;
            if ((uint32_t)held_count(p->dev, LINECALLSTATE_ONHOLD) < sw->max_held) f |= LINECALLFEATURE_HOLD;
            if (!cc_peer(p) && (uint32_t)held_count(p->dev, LINECALLSTATE_ONHOLDPENDTRANSFER) < sw->max_held_pending)
                f |= LINECALLFEATURE_SETUPTRANSFER;
            for (int i = 0; i < MAX_PCALLS; i++) {
                const pcall_t *q = &g_pcalls[i];
                if (q->used && q != p && q->dev == p->dev && (q->state & HELD_STATES) && owned_by_line(i, h->line)) {
                    f |= LINECALLFEATURE_SWAPHOLD;
                    break;
                }
            }
            break;
        case LINECALLSTATE_ONHOLD:
            f |= LINECALLFEATURE_UNHOLD;
            break;
        case LINECALLSTATE_ONHOLDPENDTRANSFER: {
            f |= LINECALLFEATURE_UNHOLD;
            const pcall_t *consult = cc_peer(p);
            if (consult && (consult->state & CONSULT_COMPLETABLE)) {
                f |= LINECALLFEATURE_COMPLETETRANSF;
                if (sw->transfer_modes & LINETRANSFERMODE_TRANSFER) f2 |= LINECALLFEATURE2_TRANSFERNORM;
                if (sw->transfer_modes & LINETRANSFERMODE_CONFERENCE) f2 |= LINECALLFEATURE2_TRANSFERCONF;
            }
            break;
        }
        default:
            break;
        }
    }
    if (features2) *features2 = f2 & sw->call_features2;
    return f & sw->call_features;
}

/* The shared refusal (seam-switching.ts requireFeature): never offered, wrong state, not available now. */
static int32_t require_feature(const call_ref_t *c, uint32_t bit, uint32_t states) {
    if (!(fake_switching(c->p->dev)->call_features & bit)) return LINEERR_OPERATIONUNAVAIL;
    if (!(c->p->state & states)) return LINEERR_INVALCALLSTATE;
    if (!(cc_live_features(c->p, c->h, NULL) & bit)) return LINEERR_OPERATIONUNAVAIL;
    return 0;
}

static int32_t owned(uint32_t hCall, call_ref_t *c) {
    int32_t rc = enter_call(hCall, c);
    if (!rc && c->h->priv != LINECALLPRIVILEGE_OWNER) rc = LINEERR_NOTOWNER;
    return rc;
}

static void call_info(int pc, uint32_t changed) {
    for (int i = 0; i < MAX_HCALLS; i++) {
        hcall_t *h = &g_hcalls[i];
        line_t *l = handle_line(h, pc);
        if (l) post(l->app, h->h, LINE_CALLINFO, l->cbinst, changed, 0, 0);
    }
}

/* ---- what the requests do once their reply is queued (switching.ts) ---------------------------- */

/* lineDrop's IDLE (and a line closing): a held transfer peer reconnects (AUTORECONNECT), a conference takes its members. */
void cc_after_drop(int pc) {
    pcall_t *p = pc_at(pc);
    if (!p) return;
    pcall_t *peer = cc_peer(p);
    if (peer) {
        unlink_peer(p);
        if (peer->state == LINECALLSTATE_ONHOLDPENDTRANSFER) set_state(pc_index(peer), LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
    }
    if (p->cc.is_conference) {
        for (int i = 0; i < MAX_PCALLS; i++) {
            pcall_t *m = &g_pcalls[i];
            if (!m->used || m->cc.conf_id != p->id || m->cc.conf_pc != pc) continue;
            m->cc.conf_id = 0;
            if (m->state != LINECALLSTATE_IDLE) {
                m->epoch++;
                set_state(i, LINECALLSTATE_IDLE, 0);
            }
        }
    }
}

/* Redirected, blind-transferred or transferred: the call leaves us (IDLE); the far end's program stops. */
static void leave_call(pcall_t *p) {
    p->epoch++;
    set_state(pc_index(p), LINECALLSTATE_IDLE, 0);
}

static void apply(req_t *r) {
    hcall_t *h = find_hcall(r->hcall);
    pcall_t *p = h ? pc_at(h->pc) : NULL;
    if (!p) return;
    int pc = h->pc;
    switch (r->kind) {
    case REQ_ACCEPT:
        if (p->state == LINECALLSTATE_OFFERING) set_state(pc, LINECALLSTATE_ACCEPTED, 0);
        break;
    case REQ_LEAVE:
        if (p->state & r->mode) leave_call(p);
        break;
    case REQ_HOLD:
        if (p->state == LINECALLSTATE_CONNECTED) set_state(pc, LINECALLSTATE_ONHOLD, 0);
        break;
    case REQ_UNHOLD: {
        if (!(p->state & HELD_STATES)) break;
        pcall_t *consult = p->state == LINECALLSTATE_ONHOLDPENDTRANSFER ? cc_peer(p) : NULL;
        unlink_peer(p);
        if (consult && consult->state != LINECALLSTATE_IDLE) {
            consult->epoch++;
            set_state(pc_index(consult), LINECALLSTATE_IDLE, 0);
        }
        set_state(pc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        break;
    }
    case REQ_SWAPHOLD: {
        hcall_t *hh = find_hcall(r->hcall2);
        pcall_t *held = hh ? pc_at(hh->pc) : NULL;
        if (!held || p->state != LINECALLSTATE_CONNECTED || !(held->state & HELD_STATES)) break;
        uint32_t held_state = held->state;
        set_state(hh->pc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        set_state(pc, held_state, 0);
        break;
    }
    case REQ_SETUPTRANSFER: {
        hcall_t *ch = find_hcall(r->hcall2);
        pcall_t *consult = ch ? pc_at(ch->pc) : NULL;
        if (p->state != LINECALLSTATE_IDLE) set_state(pc, LINECALLSTATE_ONHOLDPENDTRANSFER, 0);
        if (consult && consult->state == 0) set_state(ch->pc, LINECALLSTATE_DIALTONE, LINEDIALTONEMODE_NORMAL);
        break;
    }
    default:
        break;
    }
}

/* The requests of this file: lphConsultCall / lphConfCall written right before the reply is queued. */
void cc_complete_request(req_t *r, uintptr_t reply_param2) {
    if (r->result == 0 && r->lphSlot && r->hcall2 && r->kind != REQ_SWAPHOLD && find_hcall(r->hcall2)) *r->lphSlot = r->hcall2;
    post(r->app, 0, LINE_REPLY, 0, r->id, reply_param2, 0);
    req_t copy = *r;
    r->used = 0;
    if (copy.result != 0) return;
    if (copy.kind == REQ_COMPLETETRANSFER) {
        hcall_t *h = find_hcall(copy.hcall);
        pcall_t *held = h ? pc_at(h->pc) : NULL;
        pcall_t *consult = held ? cc_peer(held) : NULL;
        if (!held || !consult) return;
        unlink_peer(held);
        if (copy.mode == LINETRANSFERMODE_TRANSFER) {
            leave_call(consult);
            leave_call(held);
            return;
        }
        hcall_t *confh = find_hcall(copy.hcall2);
        pcall_t *conf = confh ? pc_at(confh->pc) : NULL;
        if (!conf) return;
        pcall_t *members[2] = {held, consult};
        for (int i = 0; i < 2; i++) {
            members[i]->cc.conf_pc = confh->pc;
            members[i]->cc.conf_id = conf->id;
            members[i]->epoch++;
            set_state(pc_index(members[i]), LINECALLSTATE_CONFERENCED, confh->h);
        }
        conf->cc.far_started = 1;
        set_state(confh->pc, LINECALLSTATE_CONNECTED, LINECONNECTEDMODE_ACTIVE);
        return;
    }
    apply(&copy);
}

/* A new call on the device of `p`, owned by line `l` (monitors of the device see it too). */
static hcall_t *new_owned_call(const pcall_t *p, const line_t *l, uint32_t origin_outbound, int conference) {
    int pc = pcall_new(p->dev);
    if (pc < 0) return NULL;
    pcall_t *q = &g_pcalls[pc];
    hcall_t *h = hcall_new(pc, l->h, LINECALLPRIVILEGE_OWNER);
    if (!h) {
        q->used = 0;
        return NULL;
    }
    q->outbound = (int)origin_outbound;
    q->cc.is_conference = conference;
    q->bearer = p->bearer;
    q->media = p->media;
    q->rate = p->rate;
    q->app_name = p->app_name;
    q->state = 0;
    if (!conference)
        for (int i = 0; i < MAX_LINES; i++) {
            line_t *o = &g_lines[i];
            if (o->used && o != l && o->dev == p->dev && (o->priv & LINECALLPRIVILEGE_MONITOR)) hcall_new(pc, o->h, LINECALLPRIVILEGE_MONITOR);
        }
    return h;
}

static int active_calls(uint32_t dev) {
    int n = 0;
    for (int i = 0; i < MAX_PCALLS; i++)
        if (g_pcalls[i].used && g_pcalls[i].dev == dev && g_pcalls[i].state != LINECALLSTATE_IDLE) n++;
    return n;
}

/* ---- async exports ------------------------------------------------------------------------------ */

static int32_t simple_request(const call_ref_t *c, int kind, const char *fn, uint32_t mode) {
    int32_t rc;
    if (take_fail(fn, &rc, c->l)) return rc;
    req_t *r = call_request(c, kind);
    if (!r) return LINEERR_OPERATIONFAILED;
    r->mode = mode;
    return accept_request(r);
}

TAPI_EXPORT LONG TAPI_CALL lineAccept(uint32_t hCall, const char *lpsUserUserInfo, uint32_t dwSize) {
    call_ref_t c;
    int32_t rc = owned(hCall, &c);
    if (!rc) rc = require_feature(&c, LINECALLFEATURE_ACCEPT, LINECALLSTATE_OFFERING);
    if (!rc && lpsUserUserInfo && dwSize > DEV_UUI_SIZE(c.p->dev)) rc = LINEERR_USERUSERINFOTOOBIG;
    if (!rc) rc = simple_request(&c, REQ_ACCEPT, "lineAccept", 0);
    return leave(rc);
}

/* lineRedirectW / lineBlindTransferW: a complete dialable destination, then the call leaves us. */
static int32_t leaving(uint32_t hCall, const char16_t *dest, uint32_t country, uint32_t bit, uint32_t states, const char *fn) {
    call_ref_t c;
    int32_t rc = owned(hCall, &c);
    size_t n = 0, nd = 0;
    int partial = 0, significant = 0;
    char digits[MAX_DIGITS];
    if (!rc) rc = require_feature(&c, bit, states);
    if (!rc && !dest) rc = misused(LINEERR_INVALPOINTER);
    if (!rc) rc = read_wstr(dest, &n, LINEERR_INVALADDRESS);
    if (!rc && n == 0) rc = LINEERR_INVALADDRESS;
    if (!rc) rc = parse_dial(dest, n, dev_capflags(c.p->dev), digits, &nd, &partial, &significant);
    if (!rc && partial) rc = LINEERR_INVALADDRESS;
    if (!rc && country > 999) rc = LINEERR_INVALCOUNTRYCODE;
    if (!rc) rc = simple_request(&c, REQ_LEAVE, fn, states);
    return leave(rc);
}

TAPI_EXPORT LONG TAPI_CALL lineRedirectW(uint32_t hCall, const char16_t *lpszDestAddress, uint32_t dwCountryCode) {
    return leaving(hCall, lpszDestAddress, dwCountryCode, LINECALLFEATURE_REDIRECT, LINECALLSTATE_OFFERING, "lineRedirectW");
}

TAPI_EXPORT LONG TAPI_CALL lineBlindTransferW(uint32_t hCall, const char16_t *lpszDestAddressW, uint32_t dwCountryCode) {
    return leaving(hCall, lpszDestAddressW, dwCountryCode, LINECALLFEATURE_BLINDTRANSFER, LINECALLSTATE_CONNECTED, "lineBlindTransferW");
}

TAPI_EXPORT LONG TAPI_CALL lineSetupTransferW(uint32_t hCall, uint32_t *lphConsultCall, const LINECALLPARAMS *lpCallParams) {
    call_ref_t c;
    int32_t rc = owned(hCall, &c);
    if (!rc) rc = require_feature(&c, LINECALLFEATURE_SETUPTRANSFER, LINECALLSTATE_CONNECTED);
    if (!rc && !lphConsultCall) rc = misused(LINEERR_INVALPOINTER);
    if (!rc && lpCallParams) rc = check_call_params((const uint8_t *)lpCallParams, c.l->ver, c.p->dev);
    if (!rc && (uint32_t)active_calls(c.p->dev) >= k_devs[c.p->dev].max_calls) rc = LINEERR_CALLUNAVAIL;
    if (!rc && take_fail("lineSetupTransferW", &rc, c.l)) return leave(rc);
    if (!rc) {
        hcall_t *consult = new_owned_call(c.p, c.l, 1, 0);
        req_t *r = consult ? call_request(&c, REQ_SETUPTRANSFER) : NULL;
        if (!r) {
            rc = LINEERR_OPERATIONFAILED;
        } else {
            pcall_t *q = pc_at(consult->pc);
            link_peers(c.p, q);
            r->hcall2 = consult->h;
            r->lphSlot = lphConsultCall;
            rc = accept_request(r);
        }
    }
    return leave(rc);
}

TAPI_EXPORT LONG TAPI_CALL lineCompleteTransfer(uint32_t hCall, uint32_t hConsultCall, uint32_t *lphConfCall, uint32_t dwTransferMode) {
    call_ref_t c;
    int32_t rc = owned(hCall, &c);
    if (rc) return leave(rc);
    hcall_t *ch = find_hcall(hConsultCall);
    pcall_t *consult = ch ? pc_at(ch->pc) : NULL;
    const switching_t *sw = fake_switching(c.p->dev);
    if (!consult || ch == c.h) rc = LINEERR_INVALCONSULTCALLHANDLE;
    else if (ch->priv != LINECALLPRIVILEGE_OWNER) rc = LINEERR_NOTOWNER;
    else if (dwTransferMode != LINETRANSFERMODE_TRANSFER && dwTransferMode != LINETRANSFERMODE_CONFERENCE) rc = LINEERR_INVALTRANSFERMODE;
    else if (!(sw->call_features & LINECALLFEATURE_COMPLETETRANSF)) rc = LINEERR_OPERATIONUNAVAIL;
    else if (!(sw->transfer_modes & dwTransferMode)) rc = LINEERR_INVALTRANSFERMODE;
    else if (!(c.p->state & (LINECALLSTATE_ONHOLD | LINECALLSTATE_ONHOLDPENDTRANSFER))) rc = LINEERR_INVALCALLSTATE;
    else if (!(consult->state & CONSULT_COMPLETABLE)) rc = LINEERR_INVALCALLSTATE;
    else if (cc_peer(c.p) != consult || c.p->state != LINECALLSTATE_ONHOLDPENDTRANSFER) rc = LINEERR_INVALCONSULTCALLHANDLE;
    else if (!lphConfCall && dwTransferMode == LINETRANSFERMODE_CONFERENCE) rc = misused(LINEERR_INVALPOINTER);
    else if (take_fail("lineCompleteTransfer", &rc, c.l)) {
    } else {
        hcall_t *conf = dwTransferMode == LINETRANSFERMODE_CONFERENCE ? new_owned_call(c.p, c.l, 0, 1) : NULL;
        req_t *r = (conf || dwTransferMode == LINETRANSFERMODE_TRANSFER) ? call_request(&c, REQ_COMPLETETRANSFER) : NULL;
        if (!r) {
            rc = LINEERR_OPERATIONFAILED;
        } else {
            r->mode = dwTransferMode;
            if (conf) {
                r->hcall2 = conf->h;
                r->lphSlot = lphConfCall;
            }
            rc = accept_request(r);
        }
    }
    return leave(rc);
}

TAPI_EXPORT LONG TAPI_CALL lineHold(uint32_t hCall) {
    call_ref_t c;
    int32_t rc = owned(hCall, &c);
    if (!rc) rc = require_feature(&c, LINECALLFEATURE_HOLD, LINECALLSTATE_CONNECTED);
    if (!rc) rc = simple_request(&c, REQ_HOLD, "lineHold", 0);
    return leave(rc);
}

TAPI_EXPORT LONG TAPI_CALL lineUnhold(uint32_t hCall) {
    call_ref_t c;
    int32_t rc = owned(hCall, &c);
    if (!rc) rc = require_feature(&c, LINECALLFEATURE_UNHOLD, HELD_STATES);
    if (!rc) rc = simple_request(&c, REQ_UNHOLD, "lineUnhold", 0);
    return leave(rc);
}

TAPI_EXPORT LONG TAPI_CALL lineSwapHold(uint32_t hActiveCall, uint32_t hHeldCall) {
    call_ref_t c;
    int32_t rc = owned(hActiveCall, &c);
    if (rc) return leave(rc);
    hcall_t *hh = find_hcall(hHeldCall);
    pcall_t *held = hh ? pc_at(hh->pc) : NULL;
    if (!held || hh == c.h) rc = LINEERR_INVALCALLHANDLE;
    else if (hh->priv != LINECALLPRIVILEGE_OWNER) rc = LINEERR_NOTOWNER;
    else if ((rc = require_feature(&c, LINECALLFEATURE_SWAPHOLD, LINECALLSTATE_CONNECTED)) != 0) {
    } else if (!(held->state & HELD_STATES)) rc = LINEERR_INVALCALLSTATE;
    else if (take_fail("lineSwapHold", &rc, c.l)) {
    } else {
        req_t *r = call_request(&c, REQ_SWAPHOLD);
        if (!r) rc = LINEERR_OPERATIONFAILED;
        else {
            r->hcall2 = hh->h;
            rc = accept_request(r);
        }
    }
    return leave(rc);
}

/* ---- synchronous exports ------------------------------------------------------------------------ */

TAPI_EXPORT LONG TAPI_CALL lineSetCallPrivilege(uint32_t hCall, uint32_t dwCallPrivilege) {
    call_ref_t c;
    int32_t rc = enter_call(hCall, &c);
    if (rc) return leave(rc);
    if (dwCallPrivilege != LINECALLPRIVILEGE_OWNER && dwCallPrivilege != LINECALLPRIVILEGE_MONITOR) return leave(LINEERR_INVALCALLPRIVILEGE);
    int owners = 0;
    for (int i = 0; i < MAX_HCALLS; i++)
        if (g_hcalls[i].used && g_hcalls[i].pc == c.h->pc && g_hcalls[i].priv == LINECALLPRIVILEGE_OWNER) owners++;
    if (dwCallPrivilege == LINECALLPRIVILEGE_MONITOR && c.h->priv == LINECALLPRIVILEGE_OWNER && owners == 1 && c.p->state != LINECALLSTATE_IDLE)
        return leave(LINEERR_INVALCALLSTATE);
    if (take_fail("lineSetCallPrivilege", &rc, NULL)) return leave(rc);
    if (c.h->priv == dwCallPrivilege) return leave(0);
    c.h->priv = dwCallPrivilege;
    call_info(c.h->pc, (dwCallPrivilege == LINECALLPRIVILEGE_OWNER ? LINECALLINFOSTATE_NUMOWNERINCR : LINECALLINFOSTATE_NUMOWNERDECR) |
                           LINECALLINFOSTATE_NUMMONITORS);
    return leave(0);
}

TAPI_EXPORT LONG TAPI_CALL lineSetMediaMode(uint32_t hCall, uint32_t dwMediaModes) {
    call_ref_t c;
    int32_t rc = owned(hCall, &c);
    if (rc) return leave(rc);
    if (dwMediaModes == 0 || (dwMediaModes & ~LINEMEDIAMODE_ALL) || (dwMediaModes & ~(DEV_MEDIA_MODES(c.p->dev) | LINEMEDIAMODE_UNKNOWN)))
        return leave(LINEERR_INVALMEDIAMODE);
    if (take_fail("lineSetMediaMode", &rc, NULL)) return leave(rc);
    c.p->media = dwMediaModes;
    call_info(c.h->pc, LINECALLINFOSTATE_MEDIAMODE);
    return leave(0);
}

static int same_name_ci(const char16_t *a, size_t na, const char16_t *b, size_t nb) {
    if (na != nb) return 0;
    for (size_t i = 0; i < na; i++) {
        char16_t x = a[i] >= 'A' && a[i] <= 'Z' ? (char16_t)(a[i] + 32) : a[i];
        char16_t y = b[i] >= 'A' && b[i] <= 'Z' ? (char16_t)(b[i] + 32) : b[i];
        if (x != y) return 0;
    }
    return 1;
}

static int handoff_qualifies(const line_t *l, int by_name, uint32_t mode) {
    return (l->priv & LINECALLPRIVILEGE_OWNER) && (by_name || (l->media & mode));
}

TAPI_EXPORT LONG TAPI_CALL lineHandoffW(uint32_t hCall, const char16_t *lpszFileName, uint32_t dwMediaMode) {
    call_ref_t c;
    int32_t rc = owned(hCall, &c);
    size_t n = 0;
    if (rc) return leave(rc);
    int by_name = lpszFileName != NULL;
    if (!by_name && (dwMediaMode == 0 || (dwMediaMode & (dwMediaMode - 1)) || (dwMediaMode & ~LINEMEDIAMODE_ALL)))
        return leave(LINEERR_INVALMEDIAMODE);
    if (by_name) {
        if ((rc = read_wstr(lpszFileName, &n, LINEERR_INVALAPPNAME)) != 0) return leave(rc);
        app_t *a = find_app(c.l->app);
        if (!a || !same_name_ci(lpszFileName, n, a->name, a->name_len)) return leave(LINEERR_TARGETNOTFOUND);
    }
    /* The first other line of the device, in opening order, that qualifies. */
    line_t *target = NULL;
    for (int i = 0; i < MAX_LINES; i++) {
        line_t *o = &g_lines[i];
        if (!o->used || o == c.l || o->dev != c.p->dev || !find_app(o->app) || !handoff_qualifies(o, by_name, dwMediaMode)) continue;
        if (!target || o->h < target->h) target = o;
    }
    if (!target) return leave(handoff_qualifies(c.l, by_name, dwMediaMode) ? LINEERR_TARGETSELF : LINEERR_TARGETNOTFOUND);
    if (take_fail("lineHandoffW", &rc, NULL)) return leave(rc);
    hcall_t *receiver = NULL;
    for (int i = 0; i < MAX_HCALLS; i++)
        if (g_hcalls[i].used && g_hcalls[i].pc == c.h->pc && g_hcalls[i].line == target->h) receiver = &g_hcalls[i];
    if (receiver) receiver->priv = LINECALLPRIVILEGE_OWNER;
    else receiver = hcall_new(c.h->pc, target->h, LINECALLPRIVILEGE_OWNER);
    if (!receiver) return leave(LINEERR_OPERATIONFAILED);
    receiver->first_sent = 1;
    post(target->app, receiver->h, LINE_CALLSTATE, target->cbinst, c.p->state, c.p->mode, LINECALLPRIVILEGE_OWNER);
    call_info(c.h->pc, LINECALLINFOSTATE_NUMOWNERINCR);
    return leave(0);
}

static uint32_t address_caps_fixed(uint32_t v) {
    return v < TAPI_V1_4 ? ADDRESSCAPS_FIXED_1_3 : v < TAPI_V2_0 ? ADDRESSCAPS_FIXED_1_4 : ADDRESSCAPS_FIXED_2_0;
}

/* The states calls on a simulated address can report (devices.ts ADDRESS_CALL_STATES). */
#define ADDRESS_CALL_STATES                                                                                             \
    (LINECALLSTATE_IDLE | LINECALLSTATE_OFFERING | LINECALLSTATE_ACCEPTED | LINECALLSTATE_DIALTONE | LINECALLSTATE_DIALING |  \
     LINECALLSTATE_RINGBACK | LINECALLSTATE_BUSY | LINECALLSTATE_SPECIALINFO | LINECALLSTATE_CONNECTED |                  \
     LINECALLSTATE_PROCEEDING | LINECALLSTATE_ONHOLD | LINECALLSTATE_CONFERENCED | LINECALLSTATE_ONHOLDPENDTRANSFER |      \
     LINECALLSTATE_DISCONNECTED | LINECALLSTATE_UNKNOWN)

TAPI_EXPORT LONG TAPI_CALL lineGetAddressCapsW(uint32_t hLineApp, uint32_t dwDeviceID, uint32_t dwAddressID, uint32_t dwAPIVersion,
                                               uint32_t dwExtVersion, LINEADDRESSCAPS *lpAddressCaps) {
    enter();
    int32_t rc = 0;
    varpack_t vp;
    if (!find_app(hLineApp)) rc = LINEERR_INVALAPPHANDLE;
    else if (dwDeviceID >= NUM_DEVS) rc = LINEERR_BADDEVICEID;
    else if (!is_known_version(dwAPIVersion)) rc = LINEERR_INCOMPATIBLEAPIVERSION;
    else if (dwExtVersion != 0) rc = LINEERR_INCOMPATIBLEEXTVERSION;
    else if (dwAddressID >= 1) rc = LINEERR_INVALADDRESSID;
    else if (begin_get(lpAddressCaps, "lineGetAddressCapsW", address_caps_fixed(dwAPIVersion), &vp, &rc)) {
        uint8_t *b = vp.base;
        const switching_t *sw = fake_switching(dwDeviceID);
        int v2 = dwAPIVersion >= TAPI_V2_0;
        /* The device's own number, as devices.ts: +1 (555) 010-000N. */
        text_t address;
        static const char16_t numbers[NUM_DEVS][20] = {u"+1 (555) 010-0000", u"+1 (555) 010-0001"};
        size_t n = 0;
        while (numbers[dwDeviceID][n]) n++;
        text_set(&address, numbers[dwDeviceID], n);
        put32(b, offsetof(LINEADDRESSCAPS, dwLineDeviceID), dwDeviceID);
        var_add_text(&vp, offsetof(LINEADDRESSCAPS, dwAddressSize), &address);
        put32(b, offsetof(LINEADDRESSCAPS, dwAddressSharing), LINEADDRESSSHARING_PRIVATE);
        put32(b, offsetof(LINEADDRESSCAPS, dwCallInfoStates), 0x00FFFFFFu);
        put32(b, offsetof(LINEADDRESSCAPS, dwCallerIDFlags), 0x3Fu);
        put32(b, offsetof(LINEADDRESSCAPS, dwCalledIDFlags), 0x3Fu);
        put32(b, offsetof(LINEADDRESSCAPS, dwConnectedIDFlags), 0x3Fu);
        put32(b, offsetof(LINEADDRESSCAPS, dwRedirectionIDFlags), 0x20u);
        put32(b, offsetof(LINEADDRESSCAPS, dwRedirectingIDFlags), 0x20u);
        put32(b, offsetof(LINEADDRESSCAPS, dwCallStates), ADDRESS_CALL_STATES);
        put32(b, offsetof(LINEADDRESSCAPS, dwDialToneModes), 0x1u);
        put32(b, offsetof(LINEADDRESSCAPS, dwBusyModes), 0x1u);
        put32(b, offsetof(LINEADDRESSCAPS, dwSpecialInfo), 0x4u);
        put32(b, offsetof(LINEADDRESSCAPS, dwDisconnectModes), 0x3FFFFFu);
        put32(b, offsetof(LINEADDRESSCAPS, dwMaxNumActiveCalls), k_devs[dwDeviceID].max_calls);
        put32(b, offsetof(LINEADDRESSCAPS, dwMaxNumOnHoldCalls), sw->max_held);
        put32(b, offsetof(LINEADDRESSCAPS, dwMaxNumOnHoldPendingCalls), sw->max_held_pending);
        put32(b, offsetof(LINEADDRESSCAPS, dwMaxNumConference), sw->max_conference);
        put32(b, offsetof(LINEADDRESSCAPS, dwMaxNumTransConf), sw->max_conference);
        put32(b, offsetof(LINEADDRESSCAPS, dwAddrCapFlags), sw->addr_cap_flags | LINEADDRCAPFLAGS_PARTIALDIAL);
        put32(b, offsetof(LINEADDRESSCAPS, dwCallFeatures), sw->call_features);
        put32(b, offsetof(LINEADDRESSCAPS, dwRemoveFromConfCaps), 0x1u);
        put32(b, offsetof(LINEADDRESSCAPS, dwTransferModes), sw->transfer_modes);
        if (dwAPIVersion >= TAPI_V1_4) put32(b, offsetof(LINEADDRESSCAPS, dwAddressFeatures), LINEADDRFEATURE_MAKECALL);
        if (v2) {
            uint32_t bytes = 0;
            const char16_t *classes = fake_device_classes(dwDeviceID, &bytes); /* fake_device_id.c */
            var_add(&vp, offsetof(LINEADDRESSCAPS, dwDeviceClassesSize), classes, bytes);
            put32(b, offsetof(LINEADDRESSCAPS, dwCallFeatures2), sw->call_features2);
            put32(b, offsetof(LINEADDRESSCAPS, dwMaxNoAnswerTimeout), 3600);
            put32(b, offsetof(LINEADDRESSCAPS, dwConnectedModes), 0x1u);
            put32(b, offsetof(LINEADDRESSCAPS, dwOfferingModes), 0x1u);
            put32(b, offsetof(LINEADDRESSCAPS, dwAvailableMediaModes), DEV_MEDIA_MODES(dwDeviceID));
        }
        varstruct_end(&vp);
    }
    return leave(rc);
}

/* Kept in this process only (the real list is persistent and machine-wide): how many entries are set. */
static uint32_t g_priorities;

TAPI_EXPORT LONG TAPI_CALL lineSetAppPriorityW(const char16_t *lpszAppFilename, uint32_t dwMediaMode, const void *lpExtensionID,
                                               uint32_t dwRequestMode, const char16_t *lpszExtensionName, uint32_t dwPriority) {
    (void)lpExtensionID;
    (void)lpszExtensionName;
    enter();
    int32_t rc = 0;
    size_t n = 0;
    if (!lpszAppFilename) return leave(LINEERR_INVALAPPNAME);
    if ((rc = read_wstr(lpszAppFilename, &n, LINEERR_INVALAPPNAME)) != 0) return leave(rc);
    if (n == 0) return leave(LINEERR_INVALAPPNAME);
    for (size_t i = 0; i < n; i++)
        if (lpszAppFilename[i] == '\\' || lpszAppFilename[i] == '/' || lpszAppFilename[i] == ':') return leave(LINEERR_INVALAPPNAME);
    if (dwMediaMode == 0) {
        if (dwRequestMode != LINEREQUESTMODE_MAKECALL) return leave(LINEERR_INVALREQUESTMODE);
    } else if ((dwMediaMode & (dwMediaMode - 1)) || (dwMediaMode & ~LINEMEDIAMODE_ALL)) {
        return leave(LINEERR_INVALMEDIAMODE);
    }
    if (dwPriority != 0 && dwPriority != 1) return leave(LINEERR_INVALPARAM);
    if (take_fail("lineSetAppPriorityW", &rc, NULL)) return leave(rc);
    if (dwPriority) g_priorities++;
    return leave(0);
}
