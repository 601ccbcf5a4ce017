/*
 * The ABI of tapi-reference.md §14 (call control, digits, tones, media) as the fake Tapi32 uses it: the
 * constants of §14.6 and §4, and LINEADDRESSCAPS (§14.5), LINEGENERATETONE and LINEMONITORTONE (§14.3), all
 * DWORD-only and identical on x86 and x64 (pack(1) like tapi.h).
 */
#ifndef FAKE_TAPI_CALL_CONTROL_H
#define FAKE_TAPI_CALL_CONTROL_H

#include <stddef.h>
#include <stdint.h>
#include "tapi_abi.h"

#pragma pack(push, 1)
typedef struct LINEADDRESSCAPS {
    uint32_t dwTotalSize;
    uint32_t dwNeededSize;
    uint32_t dwUsedSize;
    uint32_t dwLineDeviceID;
    uint32_t dwAddressSize;
    uint32_t dwAddressOffset;
    uint32_t dwDevSpecificSize;
    uint32_t dwDevSpecificOffset;
    uint32_t dwAddressSharing;
    uint32_t dwAddressStates;
    uint32_t dwCallInfoStates;
    uint32_t dwCallerIDFlags;
    uint32_t dwCalledIDFlags;
    uint32_t dwConnectedIDFlags;
    uint32_t dwRedirectionIDFlags;
    uint32_t dwRedirectingIDFlags;
    uint32_t dwCallStates;
    uint32_t dwDialToneModes;
    uint32_t dwBusyModes;
    uint32_t dwSpecialInfo;
    uint32_t dwDisconnectModes;
    uint32_t dwMaxNumActiveCalls;
    uint32_t dwMaxNumOnHoldCalls;
    uint32_t dwMaxNumOnHoldPendingCalls;
    uint32_t dwMaxNumConference;
    uint32_t dwMaxNumTransConf;
    uint32_t dwAddrCapFlags;
    uint32_t dwCallFeatures;
    uint32_t dwRemoveFromConfCaps;
    uint32_t dwRemoveFromConfState;
    uint32_t dwTransferModes;
    uint32_t dwParkModes;
    uint32_t dwForwardModes;
    uint32_t dwMaxForwardEntries;
    uint32_t dwMaxSpecificEntries;
    uint32_t dwMinFwdNumRings;
    uint32_t dwMaxFwdNumRings;
    uint32_t dwMaxCallCompletions;
    uint32_t dwCallCompletionConds;
    uint32_t dwCallCompletionModes;
    uint32_t dwNumCompletionMessages;
    uint32_t dwCompletionMsgTextEntrySize;
    uint32_t dwCompletionMsgTextSize;
    uint32_t dwCompletionMsgTextOffset;
    uint32_t dwAddressFeatures;
    uint32_t dwPredictiveAutoTransferStates;
    uint32_t dwNumCallTreatments;
    uint32_t dwCallTreatmentListSize;
    uint32_t dwCallTreatmentListOffset;
    uint32_t dwDeviceClassesSize;
    uint32_t dwDeviceClassesOffset;
    uint32_t dwMaxCallDataSize;
    uint32_t dwCallFeatures2;
    uint32_t dwMaxNoAnswerTimeout;
    uint32_t dwConnectedModes;
    uint32_t dwOfferingModes;
    uint32_t dwAvailableMediaModes;
} LINEADDRESSCAPS;
typedef struct LINEGENERATETONE {
    uint32_t dwFrequency, dwCadenceOn, dwCadenceOff, dwVolume;
} LINEGENERATETONE;
typedef struct LINEMONITORTONE {
    uint32_t dwAppSpecific, dwDuration, dwFrequency1, dwFrequency2, dwFrequency3;
} LINEMONITORTONE;
#pragma pack(pop)
_Static_assert(sizeof(LINEADDRESSCAPS) == 228, "sizeof LINEADDRESSCAPS (2.0+)");
_Static_assert(offsetof(LINEADDRESSCAPS, dwMaxNumOnHoldCalls) == 88, "LINEADDRESSCAPS.dwMaxNumOnHoldCalls");
_Static_assert(offsetof(LINEADDRESSCAPS, dwAddrCapFlags) == 104, "LINEADDRESSCAPS.dwAddrCapFlags");
_Static_assert(offsetof(LINEADDRESSCAPS, dwCallFeatures) == 108, "LINEADDRESSCAPS.dwCallFeatures");
_Static_assert(offsetof(LINEADDRESSCAPS, dwTransferModes) == 120, "LINEADDRESSCAPS.dwTransferModes");
_Static_assert(offsetof(LINEADDRESSCAPS, dwAddressFeatures) == 176, "LINEADDRESSCAPS.dwAddressFeatures");
_Static_assert(offsetof(LINEADDRESSCAPS, dwDeviceClassesSize) == 196, "LINEADDRESSCAPS.dwDeviceClassesSize");
_Static_assert(offsetof(LINEADDRESSCAPS, dwCallFeatures2) == 208, "LINEADDRESSCAPS.dwCallFeatures2");
_Static_assert(offsetof(LINEADDRESSCAPS, dwAvailableMediaModes) == 224, "LINEADDRESSCAPS.dwAvailableMediaModes");
_Static_assert(sizeof(LINEGENERATETONE) == 16, "sizeof LINEGENERATETONE");
_Static_assert(sizeof(LINEMONITORTONE) == 20, "sizeof LINEMONITORTONE");

#define ADDRESSCAPS_FIXED_1_3 176u
#define ADDRESSCAPS_FIXED_1_4 180u
#define ADDRESSCAPS_FIXED_2_0 228u

#define LINEERR_CALLUNAVAIL LERR(0x80000005u)
#define LINEERR_INVALCALLPRIVILEGE LERR(0x8000001Au)
#define LINEERR_INVALCONSULTCALLHANDLE LERR(0x80000021u)
#define LINEERR_INVALCOUNTRYCODE LERR(0x80000022u)
#define LINEERR_INVALDIGITS LERR(0x80000028u)
#define LINEERR_INVALREQUESTMODE LERR(0x80000038u)
#define LINEERR_INVALTIMEOUT LERR(0x8000003Bu)
#define LINEERR_INVALTONE LERR(0x8000003Cu)
#define LINEERR_INVALTONEMODE LERR(0x8000003Eu)
#define LINEERR_INVALTRANSFERMODE LERR(0x8000003Fu)
#define LINEERR_TARGETNOTFOUND LERR(0x8000004Eu)
#define LINEERR_TARGETSELF LERR(0x8000004Fu)

#define LINE_GATHERDIGITS 6u
#define LINE_MONITORMEDIA 10u
#define LINE_MONITORTONE 11u

#define LINECALLSTATE_ONHOLD 0x400u
#define LINECALLSTATE_CONFERENCED 0x800u
#define LINECALLSTATE_ONHOLDPENDCONF 0x1000u
#define LINECALLSTATE_ONHOLDPENDTRANSFER 0x2000u

#define LINECALLFEATURE_ACCEPT 0x1u
#define LINECALLFEATURE_BLINDTRANSFER 0x8u
#define LINECALLFEATURE_COMPLETETRANSF 0x20u
#define LINECALLFEATURE_GATHERDIGITS 0x100u
#define LINECALLFEATURE_GENERATETONE 0x400u
#define LINECALLFEATURE_HOLD 0x800u
#define LINECALLFEATURE_MONITORMEDIA 0x2000u
#define LINECALLFEATURE_MONITORTONES 0x4000u
#define LINECALLFEATURE_REDIRECT 0x20000u
#define LINECALLFEATURE_SETUPTRANSFER 0x2000000u
#define LINECALLFEATURE_SWAPHOLD 0x4000000u
#define LINECALLFEATURE_UNHOLD 0x8000000u
#define LINECALLFEATURE2_TRANSFERNORM 0x40u
#define LINECALLFEATURE2_TRANSFERCONF 0x80u

#define LINEADDRCAPFLAGS_DIALED 0x20u
#define LINEADDRCAPFLAGS_AUTORECONNECT 0x400u
#define LINEADDRCAPFLAGS_PARTIALDIAL 0x10000u
#define LINEADDRFEATURE_MAKECALL 0x2u
#define LINEADDRESSSHARING_PRIVATE 0x1u

#define LINETRANSFERMODE_TRANSFER 0x1u
#define LINETRANSFERMODE_CONFERENCE 0x2u
#define LINETONEMODE_CUSTOM 0x1u
#define LINETONEMODE_RINGBACK 0x2u
#define LINETONEMODE_BUSY 0x4u
#define LINETONEMODE_BEEP 0x8u
#define LINETONEMODE_BILLING 0x10u
#define LINEGATHERTERM_BUFFERFULL 0x1u
#define LINEGATHERTERM_TERMDIGIT 0x2u
#define LINEGATHERTERM_FIRSTTIMEOUT 0x4u
#define LINEGATHERTERM_INTERTIMEOUT 0x8u
#define LINEGATHERTERM_CANCEL 0x10u
#define LINECALLINFOSTATE_MEDIAMODE 0x10u
#define LINECALLINFOSTATE_NUMOWNERINCR 0x800u
#define LINECALLINFOSTATE_NUMOWNERDECR 0x1000u
#define LINECALLINFOSTATE_NUMMONITORS 0x2000u
#define LINECALLORIGIN_CONFERENCE 0x40u
#define LINEMEDIAMODE_DATAMODEM 0x10u
#define LINEMEDIAMODE_G3FAX 0x20u
/* Every LINEMEDIAMODE_* bit (§4.9; bit 0 unused), as lib/tapi/constants.ts's LINEMEDIAMODE. */
#define LINEMEDIAMODE_ALL 0xFFFEu
#define LINEREQUESTMODE_MAKECALL 0x1u

#endif
