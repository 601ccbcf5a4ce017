/*
 * How the fake declares what it exports, on every target it is built for:
 *   TAPI_EXPORT LONG TAPI_CALL lineFoo(...)   a Tapi32 export: WINAPI (__stdcall) on Windows, as tapi.h
 *   FAKE_CONTROL void fake_foo(...)           a test control: cdecl everywhere
 * Linux: ordinary ELF symbols (built with -fvisibility=hidden, so only these are exported).
 * Windows (mingw-w64): __declspec(dllexport); link with -Wl,--kill-at so x86 names stay undecorated
 * like the real Tapi32.dll's (tapi-reference.md §1.3).
 */
#ifndef FAKE_EXPORT_H
#define FAKE_EXPORT_H

#ifdef _WIN32
#define TAPI_EXPORT __declspec(dllexport)
#define TAPI_CALL __stdcall
#else
#define TAPI_EXPORT __attribute__((visibility("default")))
#define TAPI_CALL
#endif

#define FAKE_CONTROL TAPI_EXPORT

#endif
