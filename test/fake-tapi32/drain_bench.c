/*
 * drain_bench: the native baseline for the message-pump benchmark. Queues N LINE_CALLSTATE messages
 * with fake_post_burst and drains them with lineGetMessage(timeout 0) in a tight loop, then prints
 * {"messages":N,"seconds":S,"messagesPerSecond":R} on one line.
 * Usage: drain_bench [N=1000000] [rounds=1]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tapi_abi.h"
#include "fake_control.h"

int32_t lineInitializeExW(uint32_t *, void *, void *, const char16_t *, uint32_t *, uint32_t *, LINEINITIALIZEEXPARAMS *);
int32_t lineShutdown(uint32_t);
int32_t lineGetMessage(uint32_t, LINEMESSAGE *, uint32_t);

static double seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000ul;
    unsigned long rounds = argc > 2 ? strtoul(argv[2], NULL, 10) : 1ul;
    if (n == 0 || rounds == 0) {
        fprintf(stderr, "usage: drain_bench [messages > 0] [rounds > 0]\n");
        return 2;
    }
    uint32_t app = 0, devs = 0, ver = TAPI_V2_2;
    LINEINITIALIZEEXPARAMS params = {sizeof params, 0, 0, LINEINITIALIZEEXOPTION_USEEVENT, {NULL}, 0};
    int32_t rc = lineInitializeExW(&app, NULL, NULL, u"drain_bench", &devs, &ver, &params);
    if (rc != 0) {
        fprintf(stderr, "lineInitializeExW failed: 0x%08X\n", (unsigned)rc);
        return 1;
    }
    double total = 0;
    unsigned long drained = 0;
    for (unsigned long r = 0; r < rounds; r++) {
        if ((rc = fake_post_burst(app, (uint32_t)n)) != 0) {
            fprintf(stderr, "fake_post_burst failed: 0x%08X\n", (unsigned)rc);
            return 1;
        }
        LINEMESSAGE m;
        double t0 = seconds();
        while ((rc = lineGetMessage(app, &m, 0)) == 0) drained++;
        total += seconds() - t0;
        if (rc != LINEERR_OPERATIONFAILED) {
            fprintf(stderr, "lineGetMessage failed: 0x%08X\n", (unsigned)rc);
            return 1;
        }
    }
    lineShutdown(app);
    if (drained != n * rounds) {
        fprintf(stderr, "drained %lu of %lu messages\n", drained, n * rounds);
        return 1;
    }
    printf("{\"messages\":%lu,\"seconds\":%.6f,\"messagesPerSecond\":%.0f}\n", drained, total, total > 0 ? (double)drained / total : 0.0);
    return 0;
}
