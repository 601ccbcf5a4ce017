/*
 * The Windows TAPI 2.x ABI as the fake Tapi32 exports it (tapi-reference.md §1, §3, §4): x64 layouts
 * with 8-byte pointers (Linux x86-64, x86_64-w64-mingw32), x86 layouts with 4-byte pointers (i686-w64-mingw32).
 * Fixed-width types only: DWORD = uint32_t, LONG = int32_t, DWORD_PTR = uintptr_t,
 * handles (HLINEAPP/HLINE/HCALL) = uint32_t, WCHAR = char16_t. Never long / wchar_t (8 / 4 bytes on Linux).
 * Every structure is packed to 1 byte, exactly like tapi.h.
 */
#ifndef FAKE_TAPI_ABI_H
#define FAKE_TAPI_ABI_H

#include <stddef.h>
#include <stdint.h>
#include <uchar.h>

_Static_assert(sizeof(char16_t) == 2, "WCHAR is 2 bytes");
_Static_assert(sizeof(uintptr_t) == sizeof(void *), "DWORD_PTR is pointer-sized");
_Static_assert(sizeof(void *) == 8 || sizeof(void *) == 4, "x64 / arm64 (8) or x86 (4)");
#define FAKE_PTR ((size_t)sizeof(void *))

typedef uint32_t DWORD;
typedef int32_t LONG;
typedef uintptr_t DWORD_PTR;
typedef uint32_t HLINEAPP;
typedef uint32_t HLINE;
typedef uint32_t HCALL;

#pragma pack(push, 1)

typedef struct SYSTEMTIME {
    uint16_t wYear, wMonth, wDayOfWeek, wDay, wHour, wMinute, wSecond, wMilliseconds;
} SYSTEMTIME;
_Static_assert(sizeof(SYSTEMTIME) == 16, "sizeof SYSTEMTIME");

typedef struct GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} GUID;
_Static_assert(sizeof(GUID) == 16, "sizeof GUID");

/* §3.2 — 28 bytes on x64 under pack(1) (32 if naturally aligned), 24 on x86. */
typedef struct LINEINITIALIZEEXPARAMS {
    uint32_t dwTotalSize;
    uint32_t dwNeededSize;
    uint32_t dwUsedSize;
    uint32_t dwOptions;
    union {
        void *hEvent;
        void *hCompletionPort;
    } Handles;
    uint32_t dwCompletionKey;
} LINEINITIALIZEEXPARAMS;
_Static_assert(sizeof(LINEINITIALIZEEXPARAMS) == 20 + FAKE_PTR, "sizeof LINEINITIALIZEEXPARAMS (28 x64, 24 x86; pack 1)");
_Static_assert(offsetof(LINEINITIALIZEEXPARAMS, dwTotalSize) == 0, "LINEINITIALIZEEXPARAMS.dwTotalSize");
_Static_assert(offsetof(LINEINITIALIZEEXPARAMS, dwNeededSize) == 4, "LINEINITIALIZEEXPARAMS.dwNeededSize");
_Static_assert(offsetof(LINEINITIALIZEEXPARAMS, dwUsedSize) == 8, "LINEINITIALIZEEXPARAMS.dwUsedSize");
_Static_assert(offsetof(LINEINITIALIZEEXPARAMS, dwOptions) == 12, "LINEINITIALIZEEXPARAMS.dwOptions");
_Static_assert(offsetof(LINEINITIALIZEEXPARAMS, Handles) == 16, "LINEINITIALIZEEXPARAMS.Handles");
_Static_assert(offsetof(LINEINITIALIZEEXPARAMS, dwCompletionKey) == 16 + FAKE_PTR, "LINEINITIALIZEEXPARAMS.dwCompletionKey");

/* §3.3 — 40 bytes on x64 (pack 1 and natural alignment agree). */
typedef struct LINEMESSAGE {
    uint32_t hDevice;
    uint32_t dwMessageID;
    uintptr_t dwCallbackInstance;
    uintptr_t dwParam1;
    uintptr_t dwParam2;
    uintptr_t dwParam3;
} LINEMESSAGE;
_Static_assert(sizeof(LINEMESSAGE) == 8 + 4 * FAKE_PTR, "sizeof LINEMESSAGE (40 x64, 24 x86)");
_Static_assert(offsetof(LINEMESSAGE, hDevice) == 0, "LINEMESSAGE.hDevice");
_Static_assert(offsetof(LINEMESSAGE, dwMessageID) == 4, "LINEMESSAGE.dwMessageID");
_Static_assert(offsetof(LINEMESSAGE, dwCallbackInstance) == 8, "LINEMESSAGE.dwCallbackInstance");
_Static_assert(offsetof(LINEMESSAGE, dwParam1) == 8 + FAKE_PTR, "LINEMESSAGE.dwParam1");
_Static_assert(offsetof(LINEMESSAGE, dwParam2) == 8 + 2 * FAKE_PTR, "LINEMESSAGE.dwParam2");
_Static_assert(offsetof(LINEMESSAGE, dwParam3) == 8 + 3 * FAKE_PTR, "LINEMESSAGE.dwParam3");

#include "tapi_structs.h"

#pragma pack(pop)

/* Fixed-part sizes by negotiated API version (§3.1). */
#define TAPI_V1_3 0x00010003u
#define TAPI_V1_4 0x00010004u
#define TAPI_V2_0 0x00020000u
#define TAPI_V2_1 0x00020001u
#define TAPI_V2_2 0x00020002u
#define TAPI_V3_0 0x00030000u
#define TAPI_V3_1 0x00030001u

/* §4.2 LINEERR_* as LONG. */
#define LERR(x) ((int32_t)(uint32_t)(x))
#define LINEERR_ALLOCATED LERR(0x80000001u)
#define LINEERR_BADDEVICEID LERR(0x80000002u)
#define LINEERR_DIALBILLING LERR(0x80000008u)
#define LINEERR_DIALDIALTONE LERR(0x80000009u)
#define LINEERR_DIALPROMPT LERR(0x8000000Au)
#define LINEERR_DIALQUIET LERR(0x8000000Bu)
#define LINEERR_INCOMPATIBLEAPIVERSION LERR(0x8000000Cu)
#define LINEERR_INCOMPATIBLEEXTVERSION LERR(0x8000000Du)
#define LINEERR_INVALADDRESS LERR(0x80000010u)
#define LINEERR_INVALADDRESSID LERR(0x80000011u)
#define LINEERR_INVALADDRESSMODE LERR(0x80000012u)
#define LINEERR_INVALADDRESSSTATE LERR(0x80000013u)
#define LINEERR_INVALAPPHANDLE LERR(0x80000014u)
#define LINEERR_INVALAPPNAME LERR(0x80000015u)
#define LINEERR_INVALBEARERMODE LERR(0x80000016u)
#define LINEERR_INVALCALLHANDLE LERR(0x80000018u)
#define LINEERR_INVALCALLPARAMS LERR(0x80000019u)
#define LINEERR_INVALCALLSTATE LERR(0x8000001Cu)
#define LINEERR_INVALDIGITMODE LERR(0x80000027u)
#define LINEERR_INVALLINEHANDLE LERR(0x8000002Bu)
#define LINEERR_INVALLINESTATE LERR(0x8000002Cu)
#define LINEERR_INVALMEDIAMODE LERR(0x8000002Fu)
#define LINEERR_INVALPARAM LERR(0x80000032u)
#define LINEERR_INVALPOINTER LERR(0x80000035u)
#define LINEERR_INVALPRIVSELECT LERR(0x80000036u)
#define LINEERR_NODRIVER LERR(0x80000043u)
#define LINEERR_NOMEM LERR(0x80000044u)
#define LINEERR_NOTOWNER LERR(0x80000046u)
#define LINEERR_OPERATIONFAILED LERR(0x80000048u)
#define LINEERR_OPERATIONUNAVAIL LERR(0x80000049u)
#define LINEERR_STRUCTURETOOSMALL LERR(0x8000004Du)
#define LINEERR_USERUSERINFOTOOBIG LERR(0x80000051u)
#define LINEERR_DIALVOICEDETECT LERR(0x8000005Cu)

/* §4.3 messages. */
#define LINE_ADDRESSSTATE 0u
#define LINE_CALLINFO 1u
#define LINE_CALLSTATE 2u
#define LINE_CLOSE 3u
#define LINE_GENERATE 7u
#define LINE_LINEDEVSTATE 8u
#define LINE_MONITORDIGITS 9u
#define LINE_REPLY 12u
#define LINE_APPNEWCALL 23u

/* §4.4-§4.16 */
#define LINECALLSTATE_IDLE 0x00000001u
#define LINECALLSTATE_OFFERING 0x00000002u
#define LINECALLSTATE_ACCEPTED 0x00000004u
#define LINECALLSTATE_DIALTONE 0x00000008u
#define LINECALLSTATE_DIALING 0x00000010u
#define LINECALLSTATE_RINGBACK 0x00000020u
#define LINECALLSTATE_BUSY 0x00000040u
#define LINECALLSTATE_SPECIALINFO 0x00000080u
#define LINECALLSTATE_CONNECTED 0x00000100u
#define LINECALLSTATE_PROCEEDING 0x00000200u
#define LINECALLSTATE_DISCONNECTED 0x00004000u
#define LINECALLSTATE_UNKNOWN 0x00008000u
#define LINEDIALTONEMODE_NORMAL 0x01u
#define LINECONNECTEDMODE_ACTIVE 0x01u
#define LINEOFFERINGMODE_ACTIVE 0x01u
#define LINEDISCONNECTMODE_NORMAL 0x01u
#define LINEDISCONNECTMODE_NOANSWER 0x40u
#define LINEINITIALIZEEXOPTION_USEEVENT 0x2u
#define LINEINITIALIZEEXOPTION_CALLHUBTRACKING 0x80000000u
#define LINECALLPRIVILEGE_NONE 0x1u
#define LINECALLPRIVILEGE_MONITOR 0x2u
#define LINECALLPRIVILEGE_OWNER 0x4u
#define LINEBEARERMODE_VOICE 0x01u
#define LINEBEARERMODE_SPEECH 0x02u
#define LINEMEDIAMODE_UNKNOWN 0x02u
#define LINEMEDIAMODE_INTERACTIVEVOICE 0x04u
#define LINEMEDIAMODE_AUTOMATEDVOICE 0x08u
#define LINEADDRESSMODE_ADDRESSID 0x1u
#define LINEADDRESSMODE_DIALABLEADDR 0x2u
#define LINEDIGITMODE_PULSE 0x1u
#define LINEDIGITMODE_DTMF 0x2u
#define LINEDIGITMODE_DTMFEND 0x4u
#define LINEDEVSTATE_REINIT 0x00040000u
#define LINEGENERATETERM_DONE 0x1u
#define LINEGENERATETERM_CANCEL 0x2u
#define LINEDEVCAPFLAGS_CLOSEDROP 0x20u
#define LINEDEVCAPFLAGS_DIALBILLING 0x40u
#define LINEDEVCAPFLAGS_DIALQUIET 0x80u
#define LINEDEVCAPFLAGS_DIALDIALTONE 0x100u
#define LINEFEATURE_MAKECALL 0x8u
#define LINECALLORIGIN_OUTBOUND 0x01u
#define LINECALLORIGIN_EXTERNAL 0x04u
#define LINECALLREASON_DIRECT 0x0001u
#define LINECALLPARTYID_NAME 0x4u
#define LINECALLPARTYID_ADDRESS 0x8u
#define LINECALLPARTYID_UNKNOWN 0x20u
#define LINECALLFEATURE_ANSWER 0x4u
#define LINECALLFEATURE_DIAL 0x40u
#define LINECALLFEATURE_DROP 0x80u
#define LINECALLFEATURE_GENERATEDIGITS 0x200u
#define LINECALLFEATURE_MONITORDIGITS 0x1000u
#define STRINGFORMAT_UNICODE 3u
#define LINEANSWERMODE_DROP 0x2u
#define LINEADDRESSTYPE_PHONENUMBER 0x1u

#endif
