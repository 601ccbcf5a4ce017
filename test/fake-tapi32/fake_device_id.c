/*
 * lineGetIDW of the fake Tapi32 (tapi-reference.md §14.3 "Device identifiers", §3.6 VARSTRING) and the
 * device classes each line names (LINEDEVCAPS +244, LINEADDRESSCAPS +196). Line 0 ("Simulated Line 1",
 * AUTOMATEDVOICE) has wave devices, as the simulator's; the analog line 1 has none and answers the wave
 * classes with LINEERR_INVALDEVICECLASS. The ids are winmm device positions (the fake winmm's, test/fake-winmm):
 * 1 by default, so that a caller which opens device 0 or WAVE_MAPPER instead of the id it was given is caught.
 */
#include <string.h>
#include <uchar.h>

#include "fake_internal.h"
#include "fake_export.h"
#include "tapi_device_id.h"

static uint32_t g_wave_out[NUM_DEVS], g_wave_in[NUM_DEVS];

/* Whether the device declares wave classes (the same rule as the simulator's `wave` flag). */
int fake_device_has_wave(uint32_t dev) { return dev == 0; }

/* The NUL-separated, double-NUL-terminated class list of the device (UTF-16, bytes with the terminators). */
const char16_t *fake_device_classes(uint32_t dev, uint32_t *bytes) {
    static const char16_t wave[] = u"tapi/line\0wave/in\0wave/out\0";
    static const char16_t plain[] = u"tapi/line\0";
    if (fake_device_has_wave(dev)) {
        *bytes = (uint32_t)sizeof wave;
        return wave;
    }
    *bytes = (uint32_t)sizeof plain;
    return plain;
}

void fake_device_id_reset(void) {
    for (uint32_t d = 0; d < NUM_DEVS; d++) g_wave_out[d] = g_wave_in[d] = 1;
}

/* ASCII case-insensitive comparison of a UTF-16 class name. */
static int class_is(const char16_t *s, size_t n, const char *name) {
    size_t m = strlen(name);
    if (n != m) return 0;
    for (size_t i = 0; i < n; i++) {
        char16_t c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char16_t)(c + 32);
        if (c != (char16_t)(unsigned char)name[i]) return 0;
    }
    return 1;
}

TAPI_EXPORT LONG TAPI_CALL lineGetIDW(uint32_t hLine, uint32_t dwAddressID, uint32_t hCall, uint32_t dwSelect, VARSTRING *lpDeviceID,
                                      const char16_t *lpszDeviceClass) {
    enter();
    int32_t rc = 0;
    uint32_t dev = 0;
    if (dwSelect == LINECALLSELECT_CALL) {
        hcall_t *h = find_hcall(hCall);
        line_t *l = h ? find_line(h->line) : NULL;
        if (!h || !l || !find_app(l->app) || !pc_at(h->pc)) return leave(LINEERR_INVALCALLHANDLE);
        dev = l->dev;
    } else if (dwSelect == LINECALLSELECT_LINE || dwSelect == LINECALLSELECT_ADDRESS) {
        line_t *l = find_line(hLine);
        if (!l || !find_app(l->app)) return leave(LINEERR_INVALLINEHANDLE);
        if (dwSelect == LINECALLSELECT_ADDRESS && dwAddressID >= 1) return leave(LINEERR_INVALADDRESSID);
        dev = l->dev;
    } else {
        return leave(LINEERR_INVALCALLSELECT); /* exactly one of LINE, ADDRESS, CALL (DEVICEID / CALLID: not in this fake) */
    }
    if (!lpszDeviceClass) return leave(misused(LINEERR_INVALPOINTER));
    size_t n = 0;
    if ((rc = read_wstr(lpszDeviceClass, &n, LINEERR_INVALDEVICECLASS)) != 0) return leave(rc);
    uint32_t id = 0;
    if (class_is(lpszDeviceClass, n, "tapi/line")) id = dev;
    else if (fake_device_has_wave(dev) && class_is(lpszDeviceClass, n, "wave/out")) id = g_wave_out[dev];
    else if (fake_device_has_wave(dev) && class_is(lpszDeviceClass, n, "wave/in")) id = g_wave_in[dev];
    else return leave(LINEERR_INVALDEVICECLASS);
    varpack_t vp;
    if (!begin_get(lpDeviceID, "lineGetIDW", VARSTRING_FIXED, &vp, &rc)) return leave(rc);
    put32(vp.base, offsetof(VARSTRING, dwStringFormat), STRINGFORMAT_BINARY);
    var_add(&vp, offsetof(VARSTRING, dwStringSize), &id, 4);
    varstruct_end(&vp);
    return leave(0);
}

/* Test control: the winmm ids lineGetIDW gives for `deviceId`'s wave/out and wave/in (a device that moved). */
FAKE_CONTROL int32_t fake_set_wave_ids(uint32_t deviceId, uint32_t waveOut, uint32_t waveIn) {
    enter();
    if (deviceId >= NUM_DEVS || !fake_device_has_wave(deviceId)) return leave(LINEERR_BADDEVICEID);
    g_wave_out[deviceId] = waveOut;
    g_wave_in[deviceId] = waveIn;
    return leave(0);
}

/* Test control: the ids lineGetIDW would give for the call's line now (-1 when the handle or the class is unknown). */
FAKE_CONTROL int32_t fake_call_wave_ids(uint32_t hCall, uint32_t *waveOut, uint32_t *waveIn) {
    enter();
    hcall_t *h = find_hcall(hCall);
    line_t *l = h ? find_line(h->line) : NULL;
    if (!l || !fake_device_has_wave(l->dev)) return leave(-1);
    *waveOut = g_wave_out[l->dev];
    *waveIn = g_wave_in[l->dev];
    return leave(0);
}
