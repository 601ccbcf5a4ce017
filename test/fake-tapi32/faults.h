/* Fault injection for the fake Tapi32 (test controls, prefix fake_): make the next N calls of a TAPI
 * function fail with a given LINEERR. Kept apart from fake_tapi32.c, which only calls fake_fault_take()
 * at the start of the functions that support it (lineGetMessage, lineShutdown). */
#ifndef FAKE_TAPI_FAULTS_H
#define FAKE_TAPI_FAULTS_H

#include <stdint.h>

/* The next `count` calls of `functionName` fail with `lineErr` (count 0 disarms it). */
void fake_fail_times(const char *functionName, uint32_t count, int32_t lineErr);
/* How many calls of `functionName` an armed fault has failed since the last reset. */
uint32_t fake_fault_hits(const char *functionName);
/* Disarm everything and zero the hit counts (fake_reset calls it). */
void fake_faults_reset(void);

/* For fake_tapi32.c: 1 and *rc = the error when the call of `fn` is to fail. */
int fake_fault_take(const char *fn, int32_t *rc);

#endif
