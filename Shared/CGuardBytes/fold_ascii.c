#include "guard_bytes.h"
#include "vector.h"

#include <string.h>

// The ASCII fold and its encoded runs (see `guard_fold_ascii`).

#if defined(__SSE2__)

static inline uint32_t fold16(const uint8_t *bytes, uint8_t *out) {
    const __m128i v = _mm_loadu_si128((const __m128i *)bytes);
    __m128i folded = _mm_add_epi8(v, _mm_and_si128(in_range(v, 'A', 26), _mm_set1_epi8(0x20)));
    const __m128i control = _mm_or_si128(in_range(v, 0, 0x20), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
    const __m128i whitespace = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
                                            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
    const __m128i blank = _mm_andnot_si128(whitespace, control);
    folded = _mm_or_si128(_mm_andnot_si128(blank, folded), _mm_and_si128(blank, _mm_set1_epi8(' ')));
    _mm_storeu_si128((__m128i *)out, folded);
    const __m128i symbols = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('+')), _mm_cmpeq_epi8(v, _mm_set1_epi8('/'))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('=')),
                     _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')), _mm_cmpeq_epi8(v, _mm_set1_epi8('_')))));
    const __m128i encoded = _mm_or_si128(_mm_or_si128(in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 26), in_range(v, '0', 10)), symbols);
    return (uint32_t)_mm_movemask_epi8(encoded);
}

#elif defined(__ARM_NEON)

static inline uint32_t fold16(const uint8_t *bytes, uint8_t *out) {
    const uint8x16_t v = vld1q_u8(bytes);
    uint8x16_t folded = vaddq_u8(v, vandq_u8(in_range(v, 'A', 26), vdupq_n_u8(0x20)));
    const uint8x16_t control = vorrq_u8(vcltq_u8(v, vdupq_n_u8(0x20)), vceqq_u8(v, vdupq_n_u8(0x7F)));
    const uint8x16_t whitespace = vorrq_u8(vceqq_u8(v, vdupq_n_u8('\t')), vorrq_u8(vceqq_u8(v, vdupq_n_u8('\n')), vceqq_u8(v, vdupq_n_u8('\r'))));
    const uint8x16_t blank = vbicq_u8(control, whitespace);
    folded = vbslq_u8(blank, vdupq_n_u8(' '), folded);
    vst1q_u8(out, folded);
    const uint8x16_t symbols = vorrq_u8(vorrq_u8(vceqq_u8(v, vdupq_n_u8('+')), vceqq_u8(v, vdupq_n_u8('/'))),
                                        vorrq_u8(vceqq_u8(v, vdupq_n_u8('=')),
                                                 vorrq_u8(vceqq_u8(v, vdupq_n_u8('-')), vceqq_u8(v, vdupq_n_u8('_')))));
    return movemask16(vorrq_u8(vorrq_u8(in_range(vorrq_u8(v, vdupq_n_u8(0x20)), 'a', 26), in_range(v, '0', 10)), symbols));
}

#else

static inline uint32_t fold16(const uint8_t *bytes, uint8_t *out) {
    uint32_t encoded = 0;
    for (int index = 0; index < 16; index++) {
        const uint8_t byte = bytes[index];
        const int isUpper = byte >= 'A' && byte <= 'Z';
        const int isBlank = (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7F;
        out[index] = isBlank ? ' ' : isUpper ? byte | 0x20 : byte;
        const int isEncoded = isUpper || (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9')
            || byte == '+' || byte == '/' || byte == '=' || byte == '-' || byte == '_';
        encoded |= (uint32_t)isEncoded << index;
    }
    return encoded;
}

#endif

/// The encoded-character mask of 64 bytes, folding them into `out`.
static inline uint64_t fold64(const uint8_t *bytes, uint8_t *out) {
    uint64_t encoded = 0;
    for (int quarter = 0; quarter < 4; quarter++) {
        encoded |= (uint64_t)fold16(bytes + quarter * 16, out + quarter * 16) << (quarter * 16);
    }
    return encoded;
}

/// The first clear bit of `bitmap` at or after `bit` (the bitmap ends with a clear element).
static inline size_t next_clear(const uint64_t *bitmap, size_t bit) {
    for (;;) {
        const uint64_t clear = ~bitmap[bit / 64] >> (bit % 64);
        if (clear != 0) return bit + (size_t)__builtin_ctzll(clear);
        bit = (bit / 64 + 1) * 64;
    }
}

/// Bits of element `element` at which `length` (1 to 65) set bits start, reading on into the
/// next element: the 128 bits are shifted and and-ed with themselves, doubling the window.
static inline uint64_t window_starts(const uint64_t *bitmap, size_t element, size_t length) {
    uint64_t low = bitmap[element];
    uint64_t high = bitmap[element + 1];
    size_t covered = 1;
    while (covered < length) {
        const size_t shift = covered < length - covered ? covered : length - covered;
        low &= (low >> shift) | (high << (64 - shift));
        high &= high >> shift;
        covered += shift;
    }
    return low;
}

size_t guard_fold_ascii(const uint8_t *text, size_t count, uint8_t *out, size_t minimum_run,
                        uint64_t *scratch, int64_t *runs) {
    const size_t whole = count / 64;
    const size_t elements = whole + 1;
    for (size_t element = 0; element < whole; element++) {
        scratch[element] = fold64(text + element * 64, out + element * 64);
    }
    // The last bytes, padded with zeros (a zero byte is not an encoded character).
    const size_t rest = count - whole * 64;
    uint8_t padded[64];
    uint8_t folded[64];
    memset(padded, 0, sizeof padded);
    memcpy(padded, text + whole * 64, rest);
    scratch[whole] = fold64(padded, folded);
    memcpy(out + whole * 64, folded, rest);
    scratch[elements] = 0;

    // Runs: a run starts at the first window of `minimum_run` set bits after a clear bit, and
    // ends at the next clear bit. Ordinary text has no such window, so most elements cost a few
    // shifts and no branch taken.
    size_t found = 0;
    size_t resume = 0;  // Invariant: no run starts before `resume`, which is 0 or follows a clear bit.
    for (size_t element = 0; element < elements; element++) {
        uint64_t starts = window_starts(scratch, element, minimum_run);
        const size_t base = element * 64;
        if (resume > base) starts &= resume - base >= 64 ? 0 : ~(uint64_t)0 << (resume - base);
        while (starts != 0) {
            const size_t start = base + (size_t)__builtin_ctzll(starts);
            const size_t end = next_clear(scratch, start + minimum_run);
            runs[2 * found] = (int64_t)start;
            runs[2 * found + 1] = (int64_t)end;
            found++;
            resume = end + 1;
            starts &= resume - base >= 64 ? 0 : ~(uint64_t)0 << (resume - base);
        }
    }
    return found;
}
