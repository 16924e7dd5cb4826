#include "guard_bytes.h"
#include "vector.h"

#include <string.h>

// Word, digit and marker bitmaps of folded text (see `guard_classify_folded`).

#if defined(__SSE2__)

static inline void classify16(const uint8_t *bytes, uint32_t *word, uint32_t *digit, uint32_t *marker) {
    const __m128i v = _mm_loadu_si128((const __m128i *)bytes);
    const __m128i letters = in_range(v, 'a', 26);
    const __m128i digits = in_range(v, '0', 10);
    const __m128i markers = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')), _mm_cmpeq_epi8(v, _mm_set1_epi8('['))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('(')), _mm_cmpeq_epi8(v, _mm_set1_epi8('!'))));
    // Bytes from 0x80 up have their sign bit set, which is what movemask reads.
    *word = (uint32_t)_mm_movemask_epi8(_mm_or_si128(v, _mm_or_si128(letters, digits)));
    *digit = (uint32_t)_mm_movemask_epi8(digits);
    *marker = (uint32_t)_mm_movemask_epi8(markers);
}

#elif defined(__ARM_NEON)

static inline void classify16(const uint8_t *bytes, uint32_t *word, uint32_t *digit, uint32_t *marker) {
    const uint8x16_t v = vld1q_u8(bytes);
    const uint8x16_t letters = in_range(v, 'a', 26);
    const uint8x16_t digits = in_range(v, '0', 10);
    const uint8x16_t high = vcgeq_u8(v, vdupq_n_u8(0x80));
    const uint8x16_t markers = vorrq_u8(vorrq_u8(vceqq_u8(v, vdupq_n_u8('<')), vceqq_u8(v, vdupq_n_u8('['))),
                                        vorrq_u8(vceqq_u8(v, vdupq_n_u8('(')), vceqq_u8(v, vdupq_n_u8('!'))));
    *word = movemask16(vorrq_u8(high, vorrq_u8(letters, digits)));
    *digit = movemask16(digits);
    *marker = movemask16(markers);
}

#else

static inline void classify16(const uint8_t *bytes, uint32_t *word, uint32_t *digit, uint32_t *marker) {
    *word = 0;
    *digit = 0;
    *marker = 0;
    for (int index = 0; index < 16; index++) {
        const uint8_t byte = bytes[index];
        const int isDigit = byte >= '0' && byte <= '9';
        const int isWord = isDigit || (byte >= 'a' && byte <= 'z') || byte >= 0x80;
        const int isMarker = byte == '<' || byte == '[' || byte == '(' || byte == '!';
        *word |= (uint32_t)isWord << index;
        *digit |= (uint32_t)isDigit << index;
        *marker |= (uint32_t)isMarker << index;
    }
}

#endif

/// The masks of 64 bytes, one bit a byte.
static inline void classify64(const uint8_t *bytes, uint64_t *word, uint64_t *digit, uint64_t *marker) {
    *word = 0;
    *digit = 0;
    *marker = 0;
    for (int quarter = 0; quarter < 4; quarter++) {
        uint32_t w, d, m;
        classify16(bytes + quarter * 16, &w, &d, &m);
        *word |= (uint64_t)w << (quarter * 16);
        *digit |= (uint64_t)d << (quarter * 16);
        *marker |= (uint64_t)m << (quarter * 16);
    }
}

void guard_classify_folded(const uint8_t *text, size_t count, uint64_t *words, uint64_t *digits, uint64_t *markers) {
    const size_t whole = count / 64;
    for (size_t element = 0; element < whole; element++) {
        classify64(text + element * 64, &words[element], &digits[element], &markers[element]);
    }
    const size_t rest = count - whole * 64;
    if (rest == 0) return;
    // The last bytes, padded with zeros (a zero byte is none of the classes).
    uint8_t padded[64];
    memset(padded, 0, sizeof padded);
    memcpy(padded, text + whole * 64, rest);
    classify64(padded, &words[whole], &digits[whole], &markers[whole]);
}
