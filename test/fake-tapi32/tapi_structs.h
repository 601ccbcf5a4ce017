/* Generated from tapi-reference.md §3.4-§3.12 (every field, offset and size); do not edit by hand.
 * All DWORD-only structures: identical on x86 and x64. Included inside #pragma pack(push, 1). */

typedef struct LINEDIALPARAMS {
    uint32_t dwDialPause; /* 0 */
    uint32_t dwDialSpeed; /* 4 */
    uint32_t dwDigitDuration; /* 8 */
    uint32_t dwWaitForDialtone; /* 12 */
} LINEDIALPARAMS;
_Static_assert(sizeof(LINEDIALPARAMS) == 16, "sizeof LINEDIALPARAMS");
_Static_assert(offsetof(LINEDIALPARAMS, dwDialPause) == 0, "LINEDIALPARAMS.dwDialPause");
_Static_assert(offsetof(LINEDIALPARAMS, dwDialSpeed) == 4, "LINEDIALPARAMS.dwDialSpeed");
_Static_assert(offsetof(LINEDIALPARAMS, dwDigitDuration) == 8, "LINEDIALPARAMS.dwDigitDuration");
_Static_assert(offsetof(LINEDIALPARAMS, dwWaitForDialtone) == 12, "LINEDIALPARAMS.dwWaitForDialtone");

typedef struct LINEEXTENSIONID {
    uint32_t dwExtensionID0; /* 0 */
    uint32_t dwExtensionID1; /* 4 */
    uint32_t dwExtensionID2; /* 8 */
    uint32_t dwExtensionID3; /* 12 */
} LINEEXTENSIONID;
_Static_assert(sizeof(LINEEXTENSIONID) == 16, "sizeof LINEEXTENSIONID");
_Static_assert(offsetof(LINEEXTENSIONID, dwExtensionID0) == 0, "LINEEXTENSIONID.dwExtensionID0");
_Static_assert(offsetof(LINEEXTENSIONID, dwExtensionID1) == 4, "LINEEXTENSIONID.dwExtensionID1");
_Static_assert(offsetof(LINEEXTENSIONID, dwExtensionID2) == 8, "LINEEXTENSIONID.dwExtensionID2");
_Static_assert(offsetof(LINEEXTENSIONID, dwExtensionID3) == 12, "LINEEXTENSIONID.dwExtensionID3");

typedef struct VARSTRING {
    uint32_t dwTotalSize; /* 0 */
    uint32_t dwNeededSize; /* 4 */
    uint32_t dwUsedSize; /* 8 */
    uint32_t dwStringFormat; /* 12 */
    uint32_t dwStringSize; /* 16 */
    uint32_t dwStringOffset; /* 20 */
} VARSTRING;
_Static_assert(sizeof(VARSTRING) == 24, "sizeof VARSTRING");
_Static_assert(offsetof(VARSTRING, dwTotalSize) == 0, "VARSTRING.dwTotalSize");
_Static_assert(offsetof(VARSTRING, dwNeededSize) == 4, "VARSTRING.dwNeededSize");
_Static_assert(offsetof(VARSTRING, dwUsedSize) == 8, "VARSTRING.dwUsedSize");
_Static_assert(offsetof(VARSTRING, dwStringFormat) == 12, "VARSTRING.dwStringFormat");
_Static_assert(offsetof(VARSTRING, dwStringSize) == 16, "VARSTRING.dwStringSize");
_Static_assert(offsetof(VARSTRING, dwStringOffset) == 20, "VARSTRING.dwStringOffset");

typedef struct LINECALLPARAMS {
    uint32_t dwTotalSize; /* 0 since 1.x */
    uint32_t dwBearerMode; /* 4 since 1.x */
    uint32_t dwMinRate; /* 8 since 1.x */
    uint32_t dwMaxRate; /* 12 since 1.x */
    uint32_t dwMediaMode; /* 16 since 1.x */
    uint32_t dwCallParamFlags; /* 20 since 1.x */
    uint32_t dwAddressMode; /* 24 since 1.x */
    uint32_t dwAddressID; /* 28 since 1.x */
    LINEDIALPARAMS DialParams; /* 32 since 1.x */
    uint32_t dwOrigAddressSize; /* 48 since 1.x */
    uint32_t dwOrigAddressOffset; /* 52 since 1.x */
    uint32_t dwDisplayableAddressSize; /* 56 since 1.x */
    uint32_t dwDisplayableAddressOffset; /* 60 since 1.x */
    uint32_t dwCalledPartySize; /* 64 since 1.x */
    uint32_t dwCalledPartyOffset; /* 68 since 1.x */
    uint32_t dwCommentSize; /* 72 since 1.x */
    uint32_t dwCommentOffset; /* 76 since 1.x */
    uint32_t dwUserUserInfoSize; /* 80 since 1.x */
    uint32_t dwUserUserInfoOffset; /* 84 since 1.x */
    uint32_t dwHighLevelCompSize; /* 88 since 1.x */
    uint32_t dwHighLevelCompOffset; /* 92 since 1.x */
    uint32_t dwLowLevelCompSize; /* 96 since 1.x */
    uint32_t dwLowLevelCompOffset; /* 100 since 1.x */
    uint32_t dwDevSpecificSize; /* 104 since 1.x */
    uint32_t dwDevSpecificOffset; /* 108 since 1.x */
    uint32_t dwPredictiveAutoTransferStates; /* 112 since 2.0 */
    uint32_t dwTargetAddressSize; /* 116 since 2.0 */
    uint32_t dwTargetAddressOffset; /* 120 since 2.0 */
    uint32_t dwSendingFlowspecSize; /* 124 since 2.0 */
    uint32_t dwSendingFlowspecOffset; /* 128 since 2.0 */
    uint32_t dwReceivingFlowspecSize; /* 132 since 2.0 */
    uint32_t dwReceivingFlowspecOffset; /* 136 since 2.0 */
    uint32_t dwDeviceClassSize; /* 140 since 2.0 */
    uint32_t dwDeviceClassOffset; /* 144 since 2.0 */
    uint32_t dwDeviceConfigSize; /* 148 since 2.0 */
    uint32_t dwDeviceConfigOffset; /* 152 since 2.0 */
    uint32_t dwCallDataSize; /* 156 since 2.0 */
    uint32_t dwCallDataOffset; /* 160 since 2.0 */
    uint32_t dwNoAnswerTimeout; /* 164 since 2.0 */
    uint32_t dwCallingPartyIDSize; /* 168 since 2.0 */
    uint32_t dwCallingPartyIDOffset; /* 172 since 2.0 */
    uint32_t dwAddressType; /* 176 since 3.0 */
} LINECALLPARAMS;
_Static_assert(sizeof(LINECALLPARAMS) == 180, "sizeof LINECALLPARAMS");
_Static_assert(offsetof(LINECALLPARAMS, dwTotalSize) == 0, "LINECALLPARAMS.dwTotalSize");
_Static_assert(offsetof(LINECALLPARAMS, dwBearerMode) == 4, "LINECALLPARAMS.dwBearerMode");
_Static_assert(offsetof(LINECALLPARAMS, dwMinRate) == 8, "LINECALLPARAMS.dwMinRate");
_Static_assert(offsetof(LINECALLPARAMS, dwMaxRate) == 12, "LINECALLPARAMS.dwMaxRate");
_Static_assert(offsetof(LINECALLPARAMS, dwMediaMode) == 16, "LINECALLPARAMS.dwMediaMode");
_Static_assert(offsetof(LINECALLPARAMS, dwCallParamFlags) == 20, "LINECALLPARAMS.dwCallParamFlags");
_Static_assert(offsetof(LINECALLPARAMS, dwAddressMode) == 24, "LINECALLPARAMS.dwAddressMode");
_Static_assert(offsetof(LINECALLPARAMS, dwAddressID) == 28, "LINECALLPARAMS.dwAddressID");
_Static_assert(offsetof(LINECALLPARAMS, DialParams) == 32, "LINECALLPARAMS.DialParams");
_Static_assert(offsetof(LINECALLPARAMS, dwOrigAddressSize) == 48, "LINECALLPARAMS.dwOrigAddressSize");
_Static_assert(offsetof(LINECALLPARAMS, dwOrigAddressOffset) == 52, "LINECALLPARAMS.dwOrigAddressOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwDisplayableAddressSize) == 56, "LINECALLPARAMS.dwDisplayableAddressSize");
_Static_assert(offsetof(LINECALLPARAMS, dwDisplayableAddressOffset) == 60, "LINECALLPARAMS.dwDisplayableAddressOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwCalledPartySize) == 64, "LINECALLPARAMS.dwCalledPartySize");
_Static_assert(offsetof(LINECALLPARAMS, dwCalledPartyOffset) == 68, "LINECALLPARAMS.dwCalledPartyOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwCommentSize) == 72, "LINECALLPARAMS.dwCommentSize");
_Static_assert(offsetof(LINECALLPARAMS, dwCommentOffset) == 76, "LINECALLPARAMS.dwCommentOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwUserUserInfoSize) == 80, "LINECALLPARAMS.dwUserUserInfoSize");
_Static_assert(offsetof(LINECALLPARAMS, dwUserUserInfoOffset) == 84, "LINECALLPARAMS.dwUserUserInfoOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwHighLevelCompSize) == 88, "LINECALLPARAMS.dwHighLevelCompSize");
_Static_assert(offsetof(LINECALLPARAMS, dwHighLevelCompOffset) == 92, "LINECALLPARAMS.dwHighLevelCompOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwLowLevelCompSize) == 96, "LINECALLPARAMS.dwLowLevelCompSize");
_Static_assert(offsetof(LINECALLPARAMS, dwLowLevelCompOffset) == 100, "LINECALLPARAMS.dwLowLevelCompOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwDevSpecificSize) == 104, "LINECALLPARAMS.dwDevSpecificSize");
_Static_assert(offsetof(LINECALLPARAMS, dwDevSpecificOffset) == 108, "LINECALLPARAMS.dwDevSpecificOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwPredictiveAutoTransferStates) == 112, "LINECALLPARAMS.dwPredictiveAutoTransferStates");
_Static_assert(offsetof(LINECALLPARAMS, dwTargetAddressSize) == 116, "LINECALLPARAMS.dwTargetAddressSize");
_Static_assert(offsetof(LINECALLPARAMS, dwTargetAddressOffset) == 120, "LINECALLPARAMS.dwTargetAddressOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwSendingFlowspecSize) == 124, "LINECALLPARAMS.dwSendingFlowspecSize");
_Static_assert(offsetof(LINECALLPARAMS, dwSendingFlowspecOffset) == 128, "LINECALLPARAMS.dwSendingFlowspecOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwReceivingFlowspecSize) == 132, "LINECALLPARAMS.dwReceivingFlowspecSize");
_Static_assert(offsetof(LINECALLPARAMS, dwReceivingFlowspecOffset) == 136, "LINECALLPARAMS.dwReceivingFlowspecOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwDeviceClassSize) == 140, "LINECALLPARAMS.dwDeviceClassSize");
_Static_assert(offsetof(LINECALLPARAMS, dwDeviceClassOffset) == 144, "LINECALLPARAMS.dwDeviceClassOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwDeviceConfigSize) == 148, "LINECALLPARAMS.dwDeviceConfigSize");
_Static_assert(offsetof(LINECALLPARAMS, dwDeviceConfigOffset) == 152, "LINECALLPARAMS.dwDeviceConfigOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwCallDataSize) == 156, "LINECALLPARAMS.dwCallDataSize");
_Static_assert(offsetof(LINECALLPARAMS, dwCallDataOffset) == 160, "LINECALLPARAMS.dwCallDataOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwNoAnswerTimeout) == 164, "LINECALLPARAMS.dwNoAnswerTimeout");
_Static_assert(offsetof(LINECALLPARAMS, dwCallingPartyIDSize) == 168, "LINECALLPARAMS.dwCallingPartyIDSize");
_Static_assert(offsetof(LINECALLPARAMS, dwCallingPartyIDOffset) == 172, "LINECALLPARAMS.dwCallingPartyIDOffset");
_Static_assert(offsetof(LINECALLPARAMS, dwAddressType) == 176, "LINECALLPARAMS.dwAddressType");

typedef struct LINECALLSTATUS {
    uint32_t dwTotalSize; /* 0 since 1.x */
    uint32_t dwNeededSize; /* 4 since 1.x */
    uint32_t dwUsedSize; /* 8 since 1.x */
    uint32_t dwCallState; /* 12 since 1.x */
    uint32_t dwCallStateMode; /* 16 since 1.x */
    uint32_t dwCallPrivilege; /* 20 since 1.x */
    uint32_t dwCallFeatures; /* 24 since 1.x */
    uint32_t dwDevSpecificSize; /* 28 since 1.x */
    uint32_t dwDevSpecificOffset; /* 32 since 1.x */
    uint32_t dwCallFeatures2; /* 36 since 2.0 */
    SYSTEMTIME tStateEntryTime; /* 40 since 2.0 */
} LINECALLSTATUS;
_Static_assert(sizeof(LINECALLSTATUS) == 56, "sizeof LINECALLSTATUS");
_Static_assert(offsetof(LINECALLSTATUS, dwTotalSize) == 0, "LINECALLSTATUS.dwTotalSize");
_Static_assert(offsetof(LINECALLSTATUS, dwNeededSize) == 4, "LINECALLSTATUS.dwNeededSize");
_Static_assert(offsetof(LINECALLSTATUS, dwUsedSize) == 8, "LINECALLSTATUS.dwUsedSize");
_Static_assert(offsetof(LINECALLSTATUS, dwCallState) == 12, "LINECALLSTATUS.dwCallState");
_Static_assert(offsetof(LINECALLSTATUS, dwCallStateMode) == 16, "LINECALLSTATUS.dwCallStateMode");
_Static_assert(offsetof(LINECALLSTATUS, dwCallPrivilege) == 20, "LINECALLSTATUS.dwCallPrivilege");
_Static_assert(offsetof(LINECALLSTATUS, dwCallFeatures) == 24, "LINECALLSTATUS.dwCallFeatures");
_Static_assert(offsetof(LINECALLSTATUS, dwDevSpecificSize) == 28, "LINECALLSTATUS.dwDevSpecificSize");
_Static_assert(offsetof(LINECALLSTATUS, dwDevSpecificOffset) == 32, "LINECALLSTATUS.dwDevSpecificOffset");
_Static_assert(offsetof(LINECALLSTATUS, dwCallFeatures2) == 36, "LINECALLSTATUS.dwCallFeatures2");
_Static_assert(offsetof(LINECALLSTATUS, tStateEntryTime) == 40, "LINECALLSTATUS.tStateEntryTime");

typedef struct LINEDEVCAPS {
    uint32_t dwTotalSize; /* 0 since 1.x */
    uint32_t dwNeededSize; /* 4 since 1.x */
    uint32_t dwUsedSize; /* 8 since 1.x */
    uint32_t dwProviderInfoSize; /* 12 since 1.x */
    uint32_t dwProviderInfoOffset; /* 16 since 1.x */
    uint32_t dwSwitchInfoSize; /* 20 since 1.x */
    uint32_t dwSwitchInfoOffset; /* 24 since 1.x */
    uint32_t dwPermanentLineID; /* 28 since 1.x */
    uint32_t dwLineNameSize; /* 32 since 1.x */
    uint32_t dwLineNameOffset; /* 36 since 1.x */
    uint32_t dwStringFormat; /* 40 since 1.x */
    uint32_t dwAddressModes; /* 44 since 1.x */
    uint32_t dwNumAddresses; /* 48 since 1.x */
    uint32_t dwBearerModes; /* 52 since 1.x */
    uint32_t dwMaxRate; /* 56 since 1.x */
    uint32_t dwMediaModes; /* 60 since 1.x */
    uint32_t dwGenerateToneModes; /* 64 since 1.x */
    uint32_t dwGenerateToneMaxNumFreq; /* 68 since 1.x */
    uint32_t dwGenerateDigitModes; /* 72 since 1.x */
    uint32_t dwMonitorToneMaxNumFreq; /* 76 since 1.x */
    uint32_t dwMonitorToneMaxNumEntries; /* 80 since 1.x */
    uint32_t dwMonitorDigitModes; /* 84 since 1.x */
    uint32_t dwGatherDigitsMinTimeout; /* 88 since 1.x */
    uint32_t dwGatherDigitsMaxTimeout; /* 92 since 1.x */
    uint32_t dwMedCtlDigitMaxListSize; /* 96 since 1.x */
    uint32_t dwMedCtlMediaMaxListSize; /* 100 since 1.x */
    uint32_t dwMedCtlToneMaxListSize; /* 104 since 1.x */
    uint32_t dwMedCtlCallStateMaxListSize; /* 108 since 1.x */
    uint32_t dwDevCapFlags; /* 112 since 1.x */
    uint32_t dwMaxNumActiveCalls; /* 116 since 1.x */
    uint32_t dwAnswerMode; /* 120 since 1.x */
    uint32_t dwRingModes; /* 124 since 1.x */
    uint32_t dwLineStates; /* 128 since 1.x */
    uint32_t dwUUIAcceptSize; /* 132 since 1.x */
    uint32_t dwUUIAnswerSize; /* 136 since 1.x */
    uint32_t dwUUIMakeCallSize; /* 140 since 1.x */
    uint32_t dwUUIDropSize; /* 144 since 1.x */
    uint32_t dwUUISendUserUserInfoSize; /* 148 since 1.x */
    uint32_t dwUUICallInfoSize; /* 152 since 1.x */
    LINEDIALPARAMS MinDialParams; /* 156 since 1.x */
    LINEDIALPARAMS MaxDialParams; /* 172 since 1.x */
    LINEDIALPARAMS DefaultDialParams; /* 188 since 1.x */
    uint32_t dwNumTerminals; /* 204 since 1.x */
    uint32_t dwTerminalCapsSize; /* 208 since 1.x */
    uint32_t dwTerminalCapsOffset; /* 212 since 1.x */
    uint32_t dwTerminalTextEntrySize; /* 216 since 1.x */
    uint32_t dwTerminalTextSize; /* 220 since 1.x */
    uint32_t dwTerminalTextOffset; /* 224 since 1.x */
    uint32_t dwDevSpecificSize; /* 228 since 1.x */
    uint32_t dwDevSpecificOffset; /* 232 since 1.x */
    uint32_t dwLineFeatures; /* 236 since 1.4 */
    uint32_t dwSettableDevStatus; /* 240 since 2.0 */
    uint32_t dwDeviceClassesSize; /* 244 since 2.0 */
    uint32_t dwDeviceClassesOffset; /* 248 since 2.0 */
    GUID PermanentLineGuid; /* 252 since 2.2 */
    uint32_t dwAddressTypes; /* 268 since 3.0 */
    GUID ProtocolGuid; /* 272 since 3.0 */
    uint32_t dwAvailableTracking; /* 288 since 3.0 */
} LINEDEVCAPS;
_Static_assert(sizeof(LINEDEVCAPS) == 292, "sizeof LINEDEVCAPS");
_Static_assert(offsetof(LINEDEVCAPS, dwTotalSize) == 0, "LINEDEVCAPS.dwTotalSize");
_Static_assert(offsetof(LINEDEVCAPS, dwNeededSize) == 4, "LINEDEVCAPS.dwNeededSize");
_Static_assert(offsetof(LINEDEVCAPS, dwUsedSize) == 8, "LINEDEVCAPS.dwUsedSize");
_Static_assert(offsetof(LINEDEVCAPS, dwProviderInfoSize) == 12, "LINEDEVCAPS.dwProviderInfoSize");
_Static_assert(offsetof(LINEDEVCAPS, dwProviderInfoOffset) == 16, "LINEDEVCAPS.dwProviderInfoOffset");
_Static_assert(offsetof(LINEDEVCAPS, dwSwitchInfoSize) == 20, "LINEDEVCAPS.dwSwitchInfoSize");
_Static_assert(offsetof(LINEDEVCAPS, dwSwitchInfoOffset) == 24, "LINEDEVCAPS.dwSwitchInfoOffset");
_Static_assert(offsetof(LINEDEVCAPS, dwPermanentLineID) == 28, "LINEDEVCAPS.dwPermanentLineID");
_Static_assert(offsetof(LINEDEVCAPS, dwLineNameSize) == 32, "LINEDEVCAPS.dwLineNameSize");
_Static_assert(offsetof(LINEDEVCAPS, dwLineNameOffset) == 36, "LINEDEVCAPS.dwLineNameOffset");
_Static_assert(offsetof(LINEDEVCAPS, dwStringFormat) == 40, "LINEDEVCAPS.dwStringFormat");
_Static_assert(offsetof(LINEDEVCAPS, dwAddressModes) == 44, "LINEDEVCAPS.dwAddressModes");
_Static_assert(offsetof(LINEDEVCAPS, dwNumAddresses) == 48, "LINEDEVCAPS.dwNumAddresses");
_Static_assert(offsetof(LINEDEVCAPS, dwBearerModes) == 52, "LINEDEVCAPS.dwBearerModes");
_Static_assert(offsetof(LINEDEVCAPS, dwMaxRate) == 56, "LINEDEVCAPS.dwMaxRate");
_Static_assert(offsetof(LINEDEVCAPS, dwMediaModes) == 60, "LINEDEVCAPS.dwMediaModes");
_Static_assert(offsetof(LINEDEVCAPS, dwGenerateToneModes) == 64, "LINEDEVCAPS.dwGenerateToneModes");
_Static_assert(offsetof(LINEDEVCAPS, dwGenerateToneMaxNumFreq) == 68, "LINEDEVCAPS.dwGenerateToneMaxNumFreq");
_Static_assert(offsetof(LINEDEVCAPS, dwGenerateDigitModes) == 72, "LINEDEVCAPS.dwGenerateDigitModes");
_Static_assert(offsetof(LINEDEVCAPS, dwMonitorToneMaxNumFreq) == 76, "LINEDEVCAPS.dwMonitorToneMaxNumFreq");
_Static_assert(offsetof(LINEDEVCAPS, dwMonitorToneMaxNumEntries) == 80, "LINEDEVCAPS.dwMonitorToneMaxNumEntries");
_Static_assert(offsetof(LINEDEVCAPS, dwMonitorDigitModes) == 84, "LINEDEVCAPS.dwMonitorDigitModes");
_Static_assert(offsetof(LINEDEVCAPS, dwGatherDigitsMinTimeout) == 88, "LINEDEVCAPS.dwGatherDigitsMinTimeout");
_Static_assert(offsetof(LINEDEVCAPS, dwGatherDigitsMaxTimeout) == 92, "LINEDEVCAPS.dwGatherDigitsMaxTimeout");
_Static_assert(offsetof(LINEDEVCAPS, dwMedCtlDigitMaxListSize) == 96, "LINEDEVCAPS.dwMedCtlDigitMaxListSize");
_Static_assert(offsetof(LINEDEVCAPS, dwMedCtlMediaMaxListSize) == 100, "LINEDEVCAPS.dwMedCtlMediaMaxListSize");
_Static_assert(offsetof(LINEDEVCAPS, dwMedCtlToneMaxListSize) == 104, "LINEDEVCAPS.dwMedCtlToneMaxListSize");
_Static_assert(offsetof(LINEDEVCAPS, dwMedCtlCallStateMaxListSize) == 108, "LINEDEVCAPS.dwMedCtlCallStateMaxListSize");
_Static_assert(offsetof(LINEDEVCAPS, dwDevCapFlags) == 112, "LINEDEVCAPS.dwDevCapFlags");
_Static_assert(offsetof(LINEDEVCAPS, dwMaxNumActiveCalls) == 116, "LINEDEVCAPS.dwMaxNumActiveCalls");
_Static_assert(offsetof(LINEDEVCAPS, dwAnswerMode) == 120, "LINEDEVCAPS.dwAnswerMode");
_Static_assert(offsetof(LINEDEVCAPS, dwRingModes) == 124, "LINEDEVCAPS.dwRingModes");
_Static_assert(offsetof(LINEDEVCAPS, dwLineStates) == 128, "LINEDEVCAPS.dwLineStates");
_Static_assert(offsetof(LINEDEVCAPS, dwUUIAcceptSize) == 132, "LINEDEVCAPS.dwUUIAcceptSize");
_Static_assert(offsetof(LINEDEVCAPS, dwUUIAnswerSize) == 136, "LINEDEVCAPS.dwUUIAnswerSize");
_Static_assert(offsetof(LINEDEVCAPS, dwUUIMakeCallSize) == 140, "LINEDEVCAPS.dwUUIMakeCallSize");
_Static_assert(offsetof(LINEDEVCAPS, dwUUIDropSize) == 144, "LINEDEVCAPS.dwUUIDropSize");
_Static_assert(offsetof(LINEDEVCAPS, dwUUISendUserUserInfoSize) == 148, "LINEDEVCAPS.dwUUISendUserUserInfoSize");
_Static_assert(offsetof(LINEDEVCAPS, dwUUICallInfoSize) == 152, "LINEDEVCAPS.dwUUICallInfoSize");
_Static_assert(offsetof(LINEDEVCAPS, MinDialParams) == 156, "LINEDEVCAPS.MinDialParams");
_Static_assert(offsetof(LINEDEVCAPS, MaxDialParams) == 172, "LINEDEVCAPS.MaxDialParams");
_Static_assert(offsetof(LINEDEVCAPS, DefaultDialParams) == 188, "LINEDEVCAPS.DefaultDialParams");
_Static_assert(offsetof(LINEDEVCAPS, dwNumTerminals) == 204, "LINEDEVCAPS.dwNumTerminals");
_Static_assert(offsetof(LINEDEVCAPS, dwTerminalCapsSize) == 208, "LINEDEVCAPS.dwTerminalCapsSize");
_Static_assert(offsetof(LINEDEVCAPS, dwTerminalCapsOffset) == 212, "LINEDEVCAPS.dwTerminalCapsOffset");
_Static_assert(offsetof(LINEDEVCAPS, dwTerminalTextEntrySize) == 216, "LINEDEVCAPS.dwTerminalTextEntrySize");
_Static_assert(offsetof(LINEDEVCAPS, dwTerminalTextSize) == 220, "LINEDEVCAPS.dwTerminalTextSize");
_Static_assert(offsetof(LINEDEVCAPS, dwTerminalTextOffset) == 224, "LINEDEVCAPS.dwTerminalTextOffset");
_Static_assert(offsetof(LINEDEVCAPS, dwDevSpecificSize) == 228, "LINEDEVCAPS.dwDevSpecificSize");
_Static_assert(offsetof(LINEDEVCAPS, dwDevSpecificOffset) == 232, "LINEDEVCAPS.dwDevSpecificOffset");
_Static_assert(offsetof(LINEDEVCAPS, dwLineFeatures) == 236, "LINEDEVCAPS.dwLineFeatures");
_Static_assert(offsetof(LINEDEVCAPS, dwSettableDevStatus) == 240, "LINEDEVCAPS.dwSettableDevStatus");
_Static_assert(offsetof(LINEDEVCAPS, dwDeviceClassesSize) == 244, "LINEDEVCAPS.dwDeviceClassesSize");
_Static_assert(offsetof(LINEDEVCAPS, dwDeviceClassesOffset) == 248, "LINEDEVCAPS.dwDeviceClassesOffset");
_Static_assert(offsetof(LINEDEVCAPS, PermanentLineGuid) == 252, "LINEDEVCAPS.PermanentLineGuid");
_Static_assert(offsetof(LINEDEVCAPS, dwAddressTypes) == 268, "LINEDEVCAPS.dwAddressTypes");
_Static_assert(offsetof(LINEDEVCAPS, ProtocolGuid) == 272, "LINEDEVCAPS.ProtocolGuid");
_Static_assert(offsetof(LINEDEVCAPS, dwAvailableTracking) == 288, "LINEDEVCAPS.dwAvailableTracking");

typedef struct LINECALLINFO {
    uint32_t dwTotalSize; /* 0 since 1.x */
    uint32_t dwNeededSize; /* 4 since 1.x */
    uint32_t dwUsedSize; /* 8 since 1.x */
    uint32_t hLine; /* 12 since 1.x */
    uint32_t dwLineDeviceID; /* 16 since 1.x */
    uint32_t dwAddressID; /* 20 since 1.x */
    uint32_t dwBearerMode; /* 24 since 1.x */
    uint32_t dwRate; /* 28 since 1.x */
    uint32_t dwMediaMode; /* 32 since 1.x */
    uint32_t dwAppSpecific; /* 36 since 1.x */
    uint32_t dwCallID; /* 40 since 1.x */
    uint32_t dwRelatedCallID; /* 44 since 1.x */
    uint32_t dwCallParamFlags; /* 48 since 1.x */
    uint32_t dwCallStates; /* 52 since 1.x */
    uint32_t dwMonitorDigitModes; /* 56 since 1.x */
    uint32_t dwMonitorMediaModes; /* 60 since 1.x */
    LINEDIALPARAMS DialParams; /* 64 since 1.x */
    uint32_t dwOrigin; /* 80 since 1.x */
    uint32_t dwReason; /* 84 since 1.x */
    uint32_t dwCompletionID; /* 88 since 1.x */
    uint32_t dwNumOwners; /* 92 since 1.x */
    uint32_t dwNumMonitors; /* 96 since 1.x */
    uint32_t dwCountryCode; /* 100 since 1.x */
    uint32_t dwTrunk; /* 104 since 1.x */
    uint32_t dwCallerIDFlags; /* 108 since 1.x */
    uint32_t dwCallerIDSize; /* 112 since 1.x */
    uint32_t dwCallerIDOffset; /* 116 since 1.x */
    uint32_t dwCallerIDNameSize; /* 120 since 1.x */
    uint32_t dwCallerIDNameOffset; /* 124 since 1.x */
    uint32_t dwCalledIDFlags; /* 128 since 1.x */
    uint32_t dwCalledIDSize; /* 132 since 1.x */
    uint32_t dwCalledIDOffset; /* 136 since 1.x */
    uint32_t dwCalledIDNameSize; /* 140 since 1.x */
    uint32_t dwCalledIDNameOffset; /* 144 since 1.x */
    uint32_t dwConnectedIDFlags; /* 148 since 1.x */
    uint32_t dwConnectedIDSize; /* 152 since 1.x */
    uint32_t dwConnectedIDOffset; /* 156 since 1.x */
    uint32_t dwConnectedIDNameSize; /* 160 since 1.x */
    uint32_t dwConnectedIDNameOffset; /* 164 since 1.x */
    uint32_t dwRedirectionIDFlags; /* 168 since 1.x */
    uint32_t dwRedirectionIDSize; /* 172 since 1.x */
    uint32_t dwRedirectionIDOffset; /* 176 since 1.x */
    uint32_t dwRedirectionIDNameSize; /* 180 since 1.x */
    uint32_t dwRedirectionIDNameOffset; /* 184 since 1.x */
    uint32_t dwRedirectingIDFlags; /* 188 since 1.x */
    uint32_t dwRedirectingIDSize; /* 192 since 1.x */
    uint32_t dwRedirectingIDOffset; /* 196 since 1.x */
    uint32_t dwRedirectingIDNameSize; /* 200 since 1.x */
    uint32_t dwRedirectingIDNameOffset; /* 204 since 1.x */
    uint32_t dwAppNameSize; /* 208 since 1.x */
    uint32_t dwAppNameOffset; /* 212 since 1.x */
    uint32_t dwDisplayableAddressSize; /* 216 since 1.x */
    uint32_t dwDisplayableAddressOffset; /* 220 since 1.x */
    uint32_t dwCalledPartySize; /* 224 since 1.x */
    uint32_t dwCalledPartyOffset; /* 228 since 1.x */
    uint32_t dwCommentSize; /* 232 since 1.x */
    uint32_t dwCommentOffset; /* 236 since 1.x */
    uint32_t dwDisplaySize; /* 240 since 1.x */
    uint32_t dwDisplayOffset; /* 244 since 1.x */
    uint32_t dwUserUserInfoSize; /* 248 since 1.x */
    uint32_t dwUserUserInfoOffset; /* 252 since 1.x */
    uint32_t dwHighLevelCompSize; /* 256 since 1.x */
    uint32_t dwHighLevelCompOffset; /* 260 since 1.x */
    uint32_t dwLowLevelCompSize; /* 264 since 1.x */
    uint32_t dwLowLevelCompOffset; /* 268 since 1.x */
    uint32_t dwChargingInfoSize; /* 272 since 1.x */
    uint32_t dwChargingInfoOffset; /* 276 since 1.x */
    uint32_t dwTerminalModesSize; /* 280 since 1.x */
    uint32_t dwTerminalModesOffset; /* 284 since 1.x */
    uint32_t dwDevSpecificSize; /* 288 since 1.x */
    uint32_t dwDevSpecificOffset; /* 292 since 1.x */
    uint32_t dwCallTreatment; /* 296 since 2.0 */
    uint32_t dwCallDataSize; /* 300 since 2.0 */
    uint32_t dwCallDataOffset; /* 304 since 2.0 */
    uint32_t dwSendingFlowspecSize; /* 308 since 2.0 */
    uint32_t dwSendingFlowspecOffset; /* 312 since 2.0 */
    uint32_t dwReceivingFlowspecSize; /* 316 since 2.0 */
    uint32_t dwReceivingFlowspecOffset; /* 320 since 2.0 */
    uint32_t dwCallerIDAddressType; /* 324 since 3.0 */
    uint32_t dwCalledIDAddressType; /* 328 since 3.0 */
    uint32_t dwConnectedIDAddressType; /* 332 since 3.0 */
    uint32_t dwRedirectionIDAddressType; /* 336 since 3.0 */
    uint32_t dwRedirectingIDAddressType; /* 340 since 3.0 */
} LINECALLINFO;
_Static_assert(sizeof(LINECALLINFO) == 344, "sizeof LINECALLINFO");
_Static_assert(offsetof(LINECALLINFO, dwTotalSize) == 0, "LINECALLINFO.dwTotalSize");
_Static_assert(offsetof(LINECALLINFO, dwNeededSize) == 4, "LINECALLINFO.dwNeededSize");
_Static_assert(offsetof(LINECALLINFO, dwUsedSize) == 8, "LINECALLINFO.dwUsedSize");
_Static_assert(offsetof(LINECALLINFO, hLine) == 12, "LINECALLINFO.hLine");
_Static_assert(offsetof(LINECALLINFO, dwLineDeviceID) == 16, "LINECALLINFO.dwLineDeviceID");
_Static_assert(offsetof(LINECALLINFO, dwAddressID) == 20, "LINECALLINFO.dwAddressID");
_Static_assert(offsetof(LINECALLINFO, dwBearerMode) == 24, "LINECALLINFO.dwBearerMode");
_Static_assert(offsetof(LINECALLINFO, dwRate) == 28, "LINECALLINFO.dwRate");
_Static_assert(offsetof(LINECALLINFO, dwMediaMode) == 32, "LINECALLINFO.dwMediaMode");
_Static_assert(offsetof(LINECALLINFO, dwAppSpecific) == 36, "LINECALLINFO.dwAppSpecific");
_Static_assert(offsetof(LINECALLINFO, dwCallID) == 40, "LINECALLINFO.dwCallID");
_Static_assert(offsetof(LINECALLINFO, dwRelatedCallID) == 44, "LINECALLINFO.dwRelatedCallID");
_Static_assert(offsetof(LINECALLINFO, dwCallParamFlags) == 48, "LINECALLINFO.dwCallParamFlags");
_Static_assert(offsetof(LINECALLINFO, dwCallStates) == 52, "LINECALLINFO.dwCallStates");
_Static_assert(offsetof(LINECALLINFO, dwMonitorDigitModes) == 56, "LINECALLINFO.dwMonitorDigitModes");
_Static_assert(offsetof(LINECALLINFO, dwMonitorMediaModes) == 60, "LINECALLINFO.dwMonitorMediaModes");
_Static_assert(offsetof(LINECALLINFO, DialParams) == 64, "LINECALLINFO.DialParams");
_Static_assert(offsetof(LINECALLINFO, dwOrigin) == 80, "LINECALLINFO.dwOrigin");
_Static_assert(offsetof(LINECALLINFO, dwReason) == 84, "LINECALLINFO.dwReason");
_Static_assert(offsetof(LINECALLINFO, dwCompletionID) == 88, "LINECALLINFO.dwCompletionID");
_Static_assert(offsetof(LINECALLINFO, dwNumOwners) == 92, "LINECALLINFO.dwNumOwners");
_Static_assert(offsetof(LINECALLINFO, dwNumMonitors) == 96, "LINECALLINFO.dwNumMonitors");
_Static_assert(offsetof(LINECALLINFO, dwCountryCode) == 100, "LINECALLINFO.dwCountryCode");
_Static_assert(offsetof(LINECALLINFO, dwTrunk) == 104, "LINECALLINFO.dwTrunk");
_Static_assert(offsetof(LINECALLINFO, dwCallerIDFlags) == 108, "LINECALLINFO.dwCallerIDFlags");
_Static_assert(offsetof(LINECALLINFO, dwCallerIDSize) == 112, "LINECALLINFO.dwCallerIDSize");
_Static_assert(offsetof(LINECALLINFO, dwCallerIDOffset) == 116, "LINECALLINFO.dwCallerIDOffset");
_Static_assert(offsetof(LINECALLINFO, dwCallerIDNameSize) == 120, "LINECALLINFO.dwCallerIDNameSize");
_Static_assert(offsetof(LINECALLINFO, dwCallerIDNameOffset) == 124, "LINECALLINFO.dwCallerIDNameOffset");
_Static_assert(offsetof(LINECALLINFO, dwCalledIDFlags) == 128, "LINECALLINFO.dwCalledIDFlags");
_Static_assert(offsetof(LINECALLINFO, dwCalledIDSize) == 132, "LINECALLINFO.dwCalledIDSize");
_Static_assert(offsetof(LINECALLINFO, dwCalledIDOffset) == 136, "LINECALLINFO.dwCalledIDOffset");
_Static_assert(offsetof(LINECALLINFO, dwCalledIDNameSize) == 140, "LINECALLINFO.dwCalledIDNameSize");
_Static_assert(offsetof(LINECALLINFO, dwCalledIDNameOffset) == 144, "LINECALLINFO.dwCalledIDNameOffset");
_Static_assert(offsetof(LINECALLINFO, dwConnectedIDFlags) == 148, "LINECALLINFO.dwConnectedIDFlags");
_Static_assert(offsetof(LINECALLINFO, dwConnectedIDSize) == 152, "LINECALLINFO.dwConnectedIDSize");
_Static_assert(offsetof(LINECALLINFO, dwConnectedIDOffset) == 156, "LINECALLINFO.dwConnectedIDOffset");
_Static_assert(offsetof(LINECALLINFO, dwConnectedIDNameSize) == 160, "LINECALLINFO.dwConnectedIDNameSize");
_Static_assert(offsetof(LINECALLINFO, dwConnectedIDNameOffset) == 164, "LINECALLINFO.dwConnectedIDNameOffset");
_Static_assert(offsetof(LINECALLINFO, dwRedirectionIDFlags) == 168, "LINECALLINFO.dwRedirectionIDFlags");
_Static_assert(offsetof(LINECALLINFO, dwRedirectionIDSize) == 172, "LINECALLINFO.dwRedirectionIDSize");
_Static_assert(offsetof(LINECALLINFO, dwRedirectionIDOffset) == 176, "LINECALLINFO.dwRedirectionIDOffset");
_Static_assert(offsetof(LINECALLINFO, dwRedirectionIDNameSize) == 180, "LINECALLINFO.dwRedirectionIDNameSize");
_Static_assert(offsetof(LINECALLINFO, dwRedirectionIDNameOffset) == 184, "LINECALLINFO.dwRedirectionIDNameOffset");
_Static_assert(offsetof(LINECALLINFO, dwRedirectingIDFlags) == 188, "LINECALLINFO.dwRedirectingIDFlags");
_Static_assert(offsetof(LINECALLINFO, dwRedirectingIDSize) == 192, "LINECALLINFO.dwRedirectingIDSize");
_Static_assert(offsetof(LINECALLINFO, dwRedirectingIDOffset) == 196, "LINECALLINFO.dwRedirectingIDOffset");
_Static_assert(offsetof(LINECALLINFO, dwRedirectingIDNameSize) == 200, "LINECALLINFO.dwRedirectingIDNameSize");
_Static_assert(offsetof(LINECALLINFO, dwRedirectingIDNameOffset) == 204, "LINECALLINFO.dwRedirectingIDNameOffset");
_Static_assert(offsetof(LINECALLINFO, dwAppNameSize) == 208, "LINECALLINFO.dwAppNameSize");
_Static_assert(offsetof(LINECALLINFO, dwAppNameOffset) == 212, "LINECALLINFO.dwAppNameOffset");
_Static_assert(offsetof(LINECALLINFO, dwDisplayableAddressSize) == 216, "LINECALLINFO.dwDisplayableAddressSize");
_Static_assert(offsetof(LINECALLINFO, dwDisplayableAddressOffset) == 220, "LINECALLINFO.dwDisplayableAddressOffset");
_Static_assert(offsetof(LINECALLINFO, dwCalledPartySize) == 224, "LINECALLINFO.dwCalledPartySize");
_Static_assert(offsetof(LINECALLINFO, dwCalledPartyOffset) == 228, "LINECALLINFO.dwCalledPartyOffset");
_Static_assert(offsetof(LINECALLINFO, dwCommentSize) == 232, "LINECALLINFO.dwCommentSize");
_Static_assert(offsetof(LINECALLINFO, dwCommentOffset) == 236, "LINECALLINFO.dwCommentOffset");
_Static_assert(offsetof(LINECALLINFO, dwDisplaySize) == 240, "LINECALLINFO.dwDisplaySize");
_Static_assert(offsetof(LINECALLINFO, dwDisplayOffset) == 244, "LINECALLINFO.dwDisplayOffset");
_Static_assert(offsetof(LINECALLINFO, dwUserUserInfoSize) == 248, "LINECALLINFO.dwUserUserInfoSize");
_Static_assert(offsetof(LINECALLINFO, dwUserUserInfoOffset) == 252, "LINECALLINFO.dwUserUserInfoOffset");
_Static_assert(offsetof(LINECALLINFO, dwHighLevelCompSize) == 256, "LINECALLINFO.dwHighLevelCompSize");
_Static_assert(offsetof(LINECALLINFO, dwHighLevelCompOffset) == 260, "LINECALLINFO.dwHighLevelCompOffset");
_Static_assert(offsetof(LINECALLINFO, dwLowLevelCompSize) == 264, "LINECALLINFO.dwLowLevelCompSize");
_Static_assert(offsetof(LINECALLINFO, dwLowLevelCompOffset) == 268, "LINECALLINFO.dwLowLevelCompOffset");
_Static_assert(offsetof(LINECALLINFO, dwChargingInfoSize) == 272, "LINECALLINFO.dwChargingInfoSize");
_Static_assert(offsetof(LINECALLINFO, dwChargingInfoOffset) == 276, "LINECALLINFO.dwChargingInfoOffset");
_Static_assert(offsetof(LINECALLINFO, dwTerminalModesSize) == 280, "LINECALLINFO.dwTerminalModesSize");
_Static_assert(offsetof(LINECALLINFO, dwTerminalModesOffset) == 284, "LINECALLINFO.dwTerminalModesOffset");
_Static_assert(offsetof(LINECALLINFO, dwDevSpecificSize) == 288, "LINECALLINFO.dwDevSpecificSize");
_Static_assert(offsetof(LINECALLINFO, dwDevSpecificOffset) == 292, "LINECALLINFO.dwDevSpecificOffset");
_Static_assert(offsetof(LINECALLINFO, dwCallTreatment) == 296, "LINECALLINFO.dwCallTreatment");
_Static_assert(offsetof(LINECALLINFO, dwCallDataSize) == 300, "LINECALLINFO.dwCallDataSize");
_Static_assert(offsetof(LINECALLINFO, dwCallDataOffset) == 304, "LINECALLINFO.dwCallDataOffset");
_Static_assert(offsetof(LINECALLINFO, dwSendingFlowspecSize) == 308, "LINECALLINFO.dwSendingFlowspecSize");
_Static_assert(offsetof(LINECALLINFO, dwSendingFlowspecOffset) == 312, "LINECALLINFO.dwSendingFlowspecOffset");
_Static_assert(offsetof(LINECALLINFO, dwReceivingFlowspecSize) == 316, "LINECALLINFO.dwReceivingFlowspecSize");
_Static_assert(offsetof(LINECALLINFO, dwReceivingFlowspecOffset) == 320, "LINECALLINFO.dwReceivingFlowspecOffset");
_Static_assert(offsetof(LINECALLINFO, dwCallerIDAddressType) == 324, "LINECALLINFO.dwCallerIDAddressType");
_Static_assert(offsetof(LINECALLINFO, dwCalledIDAddressType) == 328, "LINECALLINFO.dwCalledIDAddressType");
_Static_assert(offsetof(LINECALLINFO, dwConnectedIDAddressType) == 332, "LINECALLINFO.dwConnectedIDAddressType");
_Static_assert(offsetof(LINECALLINFO, dwRedirectionIDAddressType) == 336, "LINECALLINFO.dwRedirectionIDAddressType");
_Static_assert(offsetof(LINECALLINFO, dwRedirectingIDAddressType) == 340, "LINECALLINFO.dwRedirectingIDAddressType");

typedef struct LINEDEVSTATUS {
    uint32_t dwTotalSize; /* 0 since 1.x */
    uint32_t dwNeededSize; /* 4 since 1.x */
    uint32_t dwUsedSize; /* 8 since 1.x */
    uint32_t dwNumOpens; /* 12 since 1.x */
    uint32_t dwOpenMediaModes; /* 16 since 1.x */
    uint32_t dwNumActiveCalls; /* 20 since 1.x */
    uint32_t dwNumOnHoldCalls; /* 24 since 1.x */
    uint32_t dwNumOnHoldPendCalls; /* 28 since 1.x */
    uint32_t dwLineFeatures; /* 32 since 1.x */
    uint32_t dwNumCallCompletions; /* 36 since 1.x */
    uint32_t dwRingMode; /* 40 since 1.x */
    uint32_t dwSignalLevel; /* 44 since 1.x */
    uint32_t dwBatteryLevel; /* 48 since 1.x */
    uint32_t dwRoamMode; /* 52 since 1.x */
    uint32_t dwDevStatusFlags; /* 56 since 1.x */
    uint32_t dwTerminalModesSize; /* 60 since 1.x */
    uint32_t dwTerminalModesOffset; /* 64 since 1.x */
    uint32_t dwDevSpecificSize; /* 68 since 1.x */
    uint32_t dwDevSpecificOffset; /* 72 since 1.x */
    uint32_t dwAvailableMediaModes; /* 76 since 2.0 */
    uint32_t dwAppInfoSize; /* 80 since 2.0 */
    uint32_t dwAppInfoOffset; /* 84 since 2.0 */
} LINEDEVSTATUS;
_Static_assert(sizeof(LINEDEVSTATUS) == 88, "sizeof LINEDEVSTATUS");
_Static_assert(offsetof(LINEDEVSTATUS, dwTotalSize) == 0, "LINEDEVSTATUS.dwTotalSize");
_Static_assert(offsetof(LINEDEVSTATUS, dwNeededSize) == 4, "LINEDEVSTATUS.dwNeededSize");
_Static_assert(offsetof(LINEDEVSTATUS, dwUsedSize) == 8, "LINEDEVSTATUS.dwUsedSize");
_Static_assert(offsetof(LINEDEVSTATUS, dwNumOpens) == 12, "LINEDEVSTATUS.dwNumOpens");
_Static_assert(offsetof(LINEDEVSTATUS, dwOpenMediaModes) == 16, "LINEDEVSTATUS.dwOpenMediaModes");
_Static_assert(offsetof(LINEDEVSTATUS, dwNumActiveCalls) == 20, "LINEDEVSTATUS.dwNumActiveCalls");
_Static_assert(offsetof(LINEDEVSTATUS, dwNumOnHoldCalls) == 24, "LINEDEVSTATUS.dwNumOnHoldCalls");
_Static_assert(offsetof(LINEDEVSTATUS, dwNumOnHoldPendCalls) == 28, "LINEDEVSTATUS.dwNumOnHoldPendCalls");
_Static_assert(offsetof(LINEDEVSTATUS, dwLineFeatures) == 32, "LINEDEVSTATUS.dwLineFeatures");
_Static_assert(offsetof(LINEDEVSTATUS, dwNumCallCompletions) == 36, "LINEDEVSTATUS.dwNumCallCompletions");
_Static_assert(offsetof(LINEDEVSTATUS, dwRingMode) == 40, "LINEDEVSTATUS.dwRingMode");
_Static_assert(offsetof(LINEDEVSTATUS, dwSignalLevel) == 44, "LINEDEVSTATUS.dwSignalLevel");
_Static_assert(offsetof(LINEDEVSTATUS, dwBatteryLevel) == 48, "LINEDEVSTATUS.dwBatteryLevel");
_Static_assert(offsetof(LINEDEVSTATUS, dwRoamMode) == 52, "LINEDEVSTATUS.dwRoamMode");
_Static_assert(offsetof(LINEDEVSTATUS, dwDevStatusFlags) == 56, "LINEDEVSTATUS.dwDevStatusFlags");
_Static_assert(offsetof(LINEDEVSTATUS, dwTerminalModesSize) == 60, "LINEDEVSTATUS.dwTerminalModesSize");
_Static_assert(offsetof(LINEDEVSTATUS, dwTerminalModesOffset) == 64, "LINEDEVSTATUS.dwTerminalModesOffset");
_Static_assert(offsetof(LINEDEVSTATUS, dwDevSpecificSize) == 68, "LINEDEVSTATUS.dwDevSpecificSize");
_Static_assert(offsetof(LINEDEVSTATUS, dwDevSpecificOffset) == 72, "LINEDEVSTATUS.dwDevSpecificOffset");
_Static_assert(offsetof(LINEDEVSTATUS, dwAvailableMediaModes) == 76, "LINEDEVSTATUS.dwAvailableMediaModes");
_Static_assert(offsetof(LINEDEVSTATUS, dwAppInfoSize) == 80, "LINEDEVSTATUS.dwAppInfoSize");
_Static_assert(offsetof(LINEDEVSTATUS, dwAppInfoOffset) == 84, "LINEDEVSTATUS.dwAppInfoOffset");

typedef struct LINETRANSLATEOUTPUT {
    uint32_t dwTotalSize; /* 0 */
    uint32_t dwNeededSize; /* 4 */
    uint32_t dwUsedSize; /* 8 */
    uint32_t dwDialableStringSize; /* 12 */
    uint32_t dwDialableStringOffset; /* 16 */
    uint32_t dwDisplayableStringSize; /* 20 */
    uint32_t dwDisplayableStringOffset; /* 24 */
    uint32_t dwCurrentCountry; /* 28 */
    uint32_t dwDestCountry; /* 32 */
    uint32_t dwTranslateResults; /* 36 */
} LINETRANSLATEOUTPUT;
_Static_assert(sizeof(LINETRANSLATEOUTPUT) == 40, "sizeof LINETRANSLATEOUTPUT");
_Static_assert(offsetof(LINETRANSLATEOUTPUT, dwTotalSize) == 0, "LINETRANSLATEOUTPUT.dwTotalSize");
_Static_assert(offsetof(LINETRANSLATEOUTPUT, dwNeededSize) == 4, "LINETRANSLATEOUTPUT.dwNeededSize");
_Static_assert(offsetof(LINETRANSLATEOUTPUT, dwUsedSize) == 8, "LINETRANSLATEOUTPUT.dwUsedSize");
_Static_assert(offsetof(LINETRANSLATEOUTPUT, dwDialableStringSize) == 12, "LINETRANSLATEOUTPUT.dwDialableStringSize");
_Static_assert(offsetof(LINETRANSLATEOUTPUT, dwDialableStringOffset) == 16, "LINETRANSLATEOUTPUT.dwDialableStringOffset");
_Static_assert(offsetof(LINETRANSLATEOUTPUT, dwDisplayableStringSize) == 20, "LINETRANSLATEOUTPUT.dwDisplayableStringSize");
_Static_assert(offsetof(LINETRANSLATEOUTPUT, dwDisplayableStringOffset) == 24, "LINETRANSLATEOUTPUT.dwDisplayableStringOffset");
_Static_assert(offsetof(LINETRANSLATEOUTPUT, dwCurrentCountry) == 28, "LINETRANSLATEOUTPUT.dwCurrentCountry");
_Static_assert(offsetof(LINETRANSLATEOUTPUT, dwDestCountry) == 32, "LINETRANSLATEOUTPUT.dwDestCountry");
_Static_assert(offsetof(LINETRANSLATEOUTPUT, dwTranslateResults) == 36, "LINETRANSLATEOUTPUT.dwTranslateResults");
