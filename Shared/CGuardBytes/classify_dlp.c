#include "guard_bytes.h"
#include "vector.h"

#include <string.h>

// Where the DLP scanner looks (see `guard_classify_dlp`).

/// Classes of 16 bytes for the DLP scanner, one bit a byte (see `guard_classify_dlp`).
typedef struct {
    /// `leading`: a digit, `A`, or a lowercase prefix (`sk rk wh gh gi xo ey ho ht`); `hex`: a-f, A-F.
    uint32_t alphanumeric, digit, capital, leading, hex, colon, separator;
} dlp_masks16;

#if defined(__SSE2__)

static inline dlp_masks16 dlp16(const uint8_t *bytes) {
    // `next` is each byte's successor, for the two-byte prefixes.
    const __m128i v = _mm_loadu_si128((const __m128i *)bytes);
    const __m128i next = _mm_loadu_si128((const __m128i *)(bytes + 1));
#define EQ(x, c) _mm_cmpeq_epi8(x, _mm_set1_epi8(c))
    const __m128i digits = in_range(v, '0', 10);
    const __m128i capitals = in_range(v, 'A', 26);
    const __m128i letters = in_range(v, 'a', 26);
    // sk rk wh gh gi xo ey ho ht: the lowercase prefixes a detector starts with.
    const __m128i prefixes = _mm_or_si128(
        _mm_or_si128(_mm_and_si128(_mm_or_si128(EQ(v, 's'), EQ(v, 'r')), EQ(next, 'k')),
                     _mm_and_si128(_mm_or_si128(EQ(v, 'w'), EQ(v, 'g')), EQ(next, 'h'))),
        _mm_or_si128(_mm_or_si128(_mm_and_si128(EQ(v, 'g'), EQ(next, 'i')), _mm_and_si128(EQ(v, 'x'), EQ(next, 'o'))),
                     _mm_or_si128(_mm_and_si128(EQ(v, 'e'), EQ(next, 'y')),
                                  _mm_and_si128(EQ(v, 'h'), _mm_or_si128(EQ(next, 'o'), EQ(next, 't'))))));
    const __m128i separators = _mm_or_si128(_mm_or_si128(EQ(v, '@'), EQ(v, '-')),
                                            _mm_or_si128(_mm_or_si128(EQ(v, ':'), EQ(v, '=')), _mm_or_si128(EQ(v, '+'), EQ(v, '('))));
    dlp_masks16 masks;
    masks.alphanumeric = (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(digits, capitals), letters));
    masks.digit = (uint32_t)_mm_movemask_epi8(digits);
    masks.capital = (uint32_t)_mm_movemask_epi8(capitals);
    masks.leading = (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(digits, EQ(v, 'A')), prefixes));
    masks.hex = (uint32_t)_mm_movemask_epi8(in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 6));
    masks.colon = (uint32_t)_mm_movemask_epi8(EQ(v, ':'));
    masks.separator = (uint32_t)_mm_movemask_epi8(separators);
#undef EQ
    return masks;
}

#elif defined(__ARM_NEON)

static inline dlp_masks16 dlp16(const uint8_t *bytes) {
    const uint8x16_t v = vld1q_u8(bytes);
    const uint8x16_t next = vld1q_u8(bytes + 1);
#define EQ(x, c) vceqq_u8(x, vdupq_n_u8(c))
    const uint8x16_t digits = in_range(v, '0', 10);
    const uint8x16_t capitals = in_range(v, 'A', 26);
    const uint8x16_t letters = in_range(v, 'a', 26);
    const uint8x16_t prefixes = vorrq_u8(
        vorrq_u8(vandq_u8(vorrq_u8(EQ(v, 's'), EQ(v, 'r')), EQ(next, 'k')), vandq_u8(vorrq_u8(EQ(v, 'w'), EQ(v, 'g')), EQ(next, 'h'))),
        vorrq_u8(vorrq_u8(vandq_u8(EQ(v, 'g'), EQ(next, 'i')), vandq_u8(EQ(v, 'x'), EQ(next, 'o'))),
                 vorrq_u8(vandq_u8(EQ(v, 'e'), EQ(next, 'y')), vandq_u8(EQ(v, 'h'), vorrq_u8(EQ(next, 'o'), EQ(next, 't'))))));
    const uint8x16_t separators = vorrq_u8(vorrq_u8(EQ(v, '@'), EQ(v, '-')), vorrq_u8(vorrq_u8(EQ(v, ':'), EQ(v, '=')), vorrq_u8(EQ(v, '+'), EQ(v, '('))));
    dlp_masks16 masks;
    masks.alphanumeric = movemask16(vorrq_u8(vorrq_u8(digits, capitals), letters));
    masks.digit = movemask16(digits);
    masks.capital = movemask16(capitals);
    masks.leading = movemask16(vorrq_u8(vorrq_u8(digits, EQ(v, 'A')), prefixes));
    masks.hex = movemask16(in_range(vorrq_u8(v, vdupq_n_u8(0x20)), 'a', 6));
    masks.colon = movemask16(EQ(v, ':'));
    masks.separator = movemask16(separators);
#undef EQ
    return masks;
}

#else

static inline dlp_masks16 dlp16(const uint8_t *bytes) {
    dlp_masks16 masks = {0, 0, 0, 0, 0, 0, 0};
    for (int index = 0; index < 16; index++) {
        const uint8_t byte = bytes[index];
        const uint8_t next = bytes[index + 1];
        const int isDigit = byte >= '0' && byte <= '9';
        const int isCapital = byte >= 'A' && byte <= 'Z';
        const int isLetter = byte >= 'a' && byte <= 'z';
        const int isPrefix = ((byte == 's' || byte == 'r') && next == 'k') || ((byte == 'w' || byte == 'g') && next == 'h')
            || (byte == 'g' && next == 'i') || (byte == 'x' && next == 'o') || (byte == 'e' && next == 'y')
            || (byte == 'h' && (next == 'o' || next == 't'));
        const int isSeparator = byte == '@' || byte == '-' || byte == ':' || byte == '=' || byte == '+' || byte == '(';
        masks.alphanumeric |= (uint32_t)(isDigit || isCapital || isLetter) << index;
        masks.digit |= (uint32_t)isDigit << index;
        masks.capital |= (uint32_t)isCapital << index;
        masks.leading |= (uint32_t)(isDigit || byte == 'A' || isPrefix) << index;
        masks.hex |= (uint32_t)((byte >= 'A' && byte <= 'F') || (byte >= 'a' && byte <= 'f')) << index;
        masks.colon |= (uint32_t)(byte == ':') << index;
        masks.separator |= (uint32_t)isSeparator << index;
    }
    return masks;
}

#endif

/// The classes of 64 bytes, one bit a byte; `bytes` has one more readable byte (its last
/// byte's successor, for the two-byte prefixes).
typedef struct {
    uint64_t alphanumeric, digit, capital, leading, hex, colon, separator;
} dlp_masks64;

static inline dlp_masks64 dlp64(const uint8_t *bytes) {
    dlp_masks64 masks = {0, 0, 0, 0, 0, 0, 0};
    for (int quarter = 0; quarter < 4; quarter++) {
        const dlp_masks16 part = dlp16(bytes + quarter * 16);
        const int shift = quarter * 16;
        masks.alphanumeric |= (uint64_t)part.alphanumeric << shift;
        masks.digit |= (uint64_t)part.digit << shift;
        masks.capital |= (uint64_t)part.capital << shift;
        masks.leading |= (uint64_t)part.leading << shift;
        masks.hex |= (uint64_t)part.hex << shift;
        masks.colon |= (uint64_t)part.colon << shift;
        masks.separator |= (uint64_t)part.separator << shift;
    }
    return masks;
}

/// The classes of element `element`, reading through a zero-padded copy where fewer than 65
/// bytes are left.
static inline dlp_masks64 dlp_element(const uint8_t *text, size_t count, size_t element) {
    const size_t offset = element * 64;
    if (offset >= count) {
        const dlp_masks64 none = {0, 0, 0, 0, 0, 0, 0};
        return none;
    }
    if (count - offset > 64) return dlp64(text + offset);
    uint8_t padded[80];
    memset(padded, 0, sizeof padded);
    memcpy(padded, text + offset, count - offset);
    return dlp64(padded);
}

/// Bits `shift` (1 to 4) places further on: bit i of the result is bit i + shift of the text.
static inline uint64_t ahead(uint64_t current, uint64_t next, int shift) {
    return current >> shift | next << (64 - shift);
}

void guard_classify_dlp(const uint8_t *text, size_t count, _Bool every_word, uint64_t *alphanumerics, uint64_t *starts) {
    const size_t elements = (count + 63) / 64;
    uint64_t previousTop = 0;  // Whether the byte before this element is alphanumeric.
    dlp_masks64 current = dlp_element(text, count, 0);
    for (size_t element = 0; element < elements; element++) {
        const dlp_masks64 next = dlp_element(text, count, element + 1);
        // What each detector needs to find at the start of a word, as far as bits can tell:
        // a digit; `A` (AWS and Google keys); a capital, a capital and two digits (IBAN);
        // a lowercase prefix; a hex digit with a colon within four bytes (IPv6).
        const uint64_t colonNear = ahead(current.colon, next.colon, 1) | ahead(current.colon, next.colon, 2)
            | ahead(current.colon, next.colon, 3) | ahead(current.colon, next.colon, 4);
        const uint64_t ibanShape = ahead(current.capital, next.capital, 1) & ahead(current.digit, next.digit, 2)
            & ahead(current.digit, next.digit, 3);
        const uint64_t leading = every_word ? current.alphanumeric
                                            : current.leading | (current.capital & ibanShape) | (current.hex & colonNear);
        const uint64_t afterAlphanumeric = current.alphanumeric << 1 | previousTop;
        alphanumerics[element] = current.alphanumeric;
        starts[element] = current.separator | (leading & ~afterAlphanumeric);
        previousTop = current.alphanumeric >> 63;
        current = next;
    }
}
