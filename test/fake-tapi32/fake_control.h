/* Test-control exports of the fake Tapi32 (prefix fake_). Not part of TAPI. */
#ifndef FAKE_TAPI_CONTROL_H
#define FAKE_TAPI_CONTROL_H

#include <stdint.h>
#include <uchar.h>

typedef struct fake_outstanding_t {
    uint32_t apps;      /* initialised, not shut down */
    uint32_t lines;     /* open HLINEs */
    uint32_t calls;     /* HCALLs not deallocated (incl. those of pending lineMakeCallW) */
    uint32_t requests;  /* async requests whose LINE_REPLY is not yet queued */
    uint32_t messages;  /* messages queued, not yet read with lineGetMessage */
    uint32_t misuse;    /* ABI misuse detected (bad sizes, pointers, strings, ANSI calls, two readers) */
} fake_outstanding_t;

void fake_set_time_scale(double scale);
uint32_t fake_present_incoming_call(uint32_t deviceId, const char16_t *callerId, const char16_t *callerName, const char16_t *calledId,
                                    const char16_t *digits);
int32_t fake_remote_hangup(uint32_t hCall, uint32_t disconnectMode);
/* Issue 12's far end (fake_signals.c); `target` is an HCALL or a call id (LINECALLINFO.dwCallID). */
int32_t fake_remote_digits(uint32_t target, const char16_t *digits, double interDigitMs, uint32_t digitMode);
int32_t fake_generated_digits(uint32_t target, char16_t *buf, uint32_t units);
/* out: mode, duration, nfreq, f1, f2, f3, ended (0 running, 1 done, 2 cancel); -1 past the last tone. */
int32_t fake_generated_tone(uint32_t target, uint32_t index, uint32_t *out7);
int32_t fake_remote_tone(uint32_t target, const uint32_t *frequencies, uint32_t count);
int32_t fake_remote_media(uint32_t target, uint32_t mediaMode);
void fake_trigger_reinit(void);
int32_t fake_force_line_close(uint32_t hLine);
void fake_fail_next(const char *functionName, int32_t lineErr, int32_t async);
void fake_reply_before_return(int32_t on);
void fake_reply_sign_extend(int32_t on);
/* While on, accepted async requests get no LINE_REPLY (they stay pending); off releases them. */
void fake_hold_replies(int32_t on);
void fake_outstanding(fake_outstanding_t *out);
uint32_t fake_last_call_params(uint8_t *buf, uint32_t size);
int32_t fake_last_dest_address(char16_t *buf, uint32_t units);
int32_t fake_set_line_name(uint32_t deviceId, const char16_t *name);
int32_t fake_post_burst(uint32_t hLineApp, uint32_t count);
void fake_reset(void);

#endif
