/* Fault injection for the fake Tapi32: see faults.h. Has its own lock: lineGetMessage consults it from
 * koffi's worker thread while the tests arm it from the JS thread. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <string.h>

#include "faults.h"

#ifdef _WIN32
#define EXPORT __declspec(dllexport)
#else
#define EXPORT __attribute__((visibility("default")))
#endif
#define MAX_FAULTS 16

typedef struct {
    char name[64];
    uint32_t remaining;
    int32_t err;
    uint32_t hits;
} fault_t;

static fault_t g_faults[MAX_FAULTS];
static pthread_mutex_t g_faults_mu = PTHREAD_MUTEX_INITIALIZER;

static fault_t *find_fault(const char *fn, int create) {
    fault_t *free_slot = NULL;
    for (int i = 0; i < MAX_FAULTS; i++) {
        if (g_faults[i].name[0] && strcmp(g_faults[i].name, fn) == 0) return &g_faults[i];
        if (!g_faults[i].name[0] && !free_slot) free_slot = &g_faults[i];
    }
    if (!create || !free_slot) return NULL;
    strncpy(free_slot->name, fn, sizeof free_slot->name - 1);
    free_slot->name[sizeof free_slot->name - 1] = 0;
    return free_slot;
}

EXPORT void fake_fail_times(const char *functionName, uint32_t count, int32_t lineErr) {
    if (!functionName || !functionName[0]) return;
    pthread_mutex_lock(&g_faults_mu);
    fault_t *f = find_fault(functionName, 1);
    if (f) {
        f->remaining = count;
        f->err = lineErr;
    }
    pthread_mutex_unlock(&g_faults_mu);
}

EXPORT uint32_t fake_fault_hits(const char *functionName) {
    uint32_t hits = 0;
    if (!functionName) return 0;
    pthread_mutex_lock(&g_faults_mu);
    fault_t *f = find_fault(functionName, 0);
    if (f) hits = f->hits;
    pthread_mutex_unlock(&g_faults_mu);
    return hits;
}

EXPORT void fake_faults_reset(void) {
    pthread_mutex_lock(&g_faults_mu);
    memset(g_faults, 0, sizeof g_faults);
    pthread_mutex_unlock(&g_faults_mu);
}

int fake_fault_take(const char *fn, int32_t *rc) {
    int taken = 0;
    pthread_mutex_lock(&g_faults_mu);
    fault_t *f = find_fault(fn, 0);
    if (f && f->remaining > 0) {
        f->remaining--;
        f->hits++;
        *rc = f->err;
        taken = 1;
    }
    pthread_mutex_unlock(&g_faults_mu);
    return taken;
}
