/*
 * The event object behind LINEINITIALIZEEXPARAMS.Handles.hEvent (USEEVENT, tapi-reference.md §8.1):
 * manual reset, signalled while the app's queue holds a message. On Windows a real kernel32 event
 * (the provider waits on it with the real RegisterWaitForSingleObject); on Linux the fake's own object,
 * waited on with the RegisterWaitForSingleObject / UnregisterWaitEx that fake_event.c exports.
 */
#ifndef FAKE_EVENT_H
#define FAKE_EVENT_H

typedef struct fake_event fake_event_t;

/* A new, unsignalled event (NULL when none can be created). */
fake_event_t *fake_event_new(void);
void fake_event_signal(fake_event_t *e, int signalled);
/* The HANDLE value given to the application. */
void *fake_event_handle(fake_event_t *e);
/* lineShutdown: the handle is invalid from now on (waits on it never fire). */
void fake_event_close(fake_event_t *e);

#endif
