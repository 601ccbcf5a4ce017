/* lineGetIDW's ABI (tapi-reference.md §3.6, §14.3, §14.6): the LINECALLSELECT_* / STRINGFORMAT_* / LINEERR values it uses. */
#ifndef FAKE_TAPI_DEVICE_ID_H
#define FAKE_TAPI_DEVICE_ID_H

#include <stddef.h>
#include <stdint.h>
#include <uchar.h>
#include "tapi_abi.h"

/* VARSTRING itself is in tapi_structs.h (through tapi_abi.h). */
#define VARSTRING_FIXED 24u
#define STRINGFORMAT_BINARY 4u
#define LINECALLSELECT_LINE 0x1u
#define LINECALLSELECT_ADDRESS 0x2u
#define LINECALLSELECT_CALL 0x4u
#define LINEERR_INVALCALLSELECT LERR(0x8000001Bu)
#define LINEERR_INVALDEVICECLASS LERR(0x80000023u)

int fake_device_has_wave(uint32_t dev);
const char16_t *fake_device_classes(uint32_t dev, uint32_t *bytes);
void fake_device_id_reset(void);

#endif
