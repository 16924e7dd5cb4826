#include "guard_bytes.h"
#include "vector.h"

// Quotes found sixteen bytes at a time (see `guard_find_quote`).

#if defined(__SSE2__)

static inline uint32_t quotes16(const uint8_t *bytes) {
    const __m128i v = _mm_loadu_si128((const __m128i *)bytes);
    const __m128i quotes = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')), _mm_cmpeq_epi8(v, _mm_set1_epi8('`'))));
    return (uint32_t)_mm_movemask_epi8(quotes);
}

#elif defined(__ARM_NEON)

static inline uint32_t quotes16(const uint8_t *bytes) {
    const uint8x16_t v = vld1q_u8(bytes);
    return movemask16(vorrq_u8(vceqq_u8(v, vdupq_n_u8('"')), vorrq_u8(vceqq_u8(v, vdupq_n_u8('\'')), vceqq_u8(v, vdupq_n_u8('`')))));
}

#else

static inline uint32_t quotes16(const uint8_t *bytes) {
    uint32_t quotes = 0;
    for (int index = 0; index < 16; index++) {
        const uint8_t byte = bytes[index];
        quotes |= (uint32_t)(byte == '"' || byte == '\'' || byte == '`') << index;
    }
    return quotes;
}

#endif

size_t guard_find_quote(const uint8_t *text, size_t count, size_t from) {
    size_t index = from;
    while (index + 16 <= count) {
        const uint32_t quotes = quotes16(text + index);
        if (quotes != 0) return index + (size_t)__builtin_ctz(quotes);
        index += 16;
    }
    for (; index < count; index++) {
        if (text[index] == '"' || text[index] == '\'' || text[index] == '`') return index;
    }
    return count;
}
