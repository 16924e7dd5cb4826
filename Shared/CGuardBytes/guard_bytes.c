#include "guard_bytes.h"

#include <string.h>

/// Classes of 16 bytes for the DLP scanner, one bit a byte (see `guard_classify_dlp`).
typedef struct {
    /// `leading`: a digit, `A`, or a lowercase prefix (`sk rk wh gh gi xo ey ho ht`); `hex`: a-f, A-F.
    uint32_t alphanumeric, digit, capital, leading, hex, colon, separator;
} dlp_masks16;

#if defined(__SSE2__)
#include <emmintrin.h>

/// The masks of 16 bytes as three 16-bit fields.
static inline __m128i in_range(__m128i v, char low, char size) {
    // An unsigned range test as one signed comparison: shift the range's start to -128.
    return _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - low))), _mm_set1_epi8((char)(-128 + size)));
}

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

static inline uint32_t quotes16(const uint8_t *bytes) {
    const __m128i v = _mm_loadu_si128((const __m128i *)bytes);
    const __m128i quotes = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')), _mm_cmpeq_epi8(v, _mm_set1_epi8('`'))));
    return (uint32_t)_mm_movemask_epi8(quotes);
}

static inline void classify16(const uint8_t *bytes, uint32_t *word, uint32_t *digit, uint32_t *marker) {
    const __m128i v = _mm_loadu_si128((const __m128i *)bytes);
    // An unsigned range test as one signed comparison: shift the range's start to -128.
    const __m128i letters = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - 'a'))), _mm_set1_epi8((char)(-128 + 26)));
    const __m128i digits = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))), _mm_set1_epi8((char)(-128 + 10)));
    const __m128i markers = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')), _mm_cmpeq_epi8(v, _mm_set1_epi8('['))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('(')), _mm_cmpeq_epi8(v, _mm_set1_epi8('!'))));
    // Bytes from 0x80 up have their sign bit set, which is what movemask reads.
    *word = (uint32_t)_mm_movemask_epi8(_mm_or_si128(v, _mm_or_si128(letters, digits)));
    *digit = (uint32_t)_mm_movemask_epi8(digits);
    *marker = (uint32_t)_mm_movemask_epi8(markers);
}

#elif defined(__ARM_NEON)
#include <arm_neon.h>

static inline uint32_t movemask16(uint8x16_t mask) {
    static const uint8_t weights[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    const uint8x16_t bits = vandq_u8(mask, vld1q_u8(weights));
    return (uint32_t)vaddv_u8(vget_low_u8(bits)) | (uint32_t)vaddv_u8(vget_high_u8(bits)) << 8;
}

static inline uint8x16_t in_range(uint8x16_t v, uint8_t low, uint8_t size) {
    return vcltq_u8(vsubq_u8(v, vdupq_n_u8(low)), vdupq_n_u8(size));
}

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

static inline uint32_t quotes16(const uint8_t *bytes) {
    const uint8x16_t v = vld1q_u8(bytes);
    return movemask16(vorrq_u8(vceqq_u8(v, vdupq_n_u8('"')), vorrq_u8(vceqq_u8(v, vdupq_n_u8('\'')), vceqq_u8(v, vdupq_n_u8('`')))));
}

static inline void classify16(const uint8_t *bytes, uint32_t *word, uint32_t *digit, uint32_t *marker) {
    const uint8x16_t v = vld1q_u8(bytes);
    const uint8x16_t letters = vcltq_u8(vsubq_u8(v, vdupq_n_u8('a')), vdupq_n_u8(26));
    const uint8x16_t digits = vcltq_u8(vsubq_u8(v, vdupq_n_u8('0')), vdupq_n_u8(10));
    const uint8x16_t high = vcgeq_u8(v, vdupq_n_u8(0x80));
    const uint8x16_t markers = vorrq_u8(vorrq_u8(vceqq_u8(v, vdupq_n_u8('<')), vceqq_u8(v, vdupq_n_u8('['))),
                                        vorrq_u8(vceqq_u8(v, vdupq_n_u8('(')), vceqq_u8(v, vdupq_n_u8('!'))));
    *word = movemask16(vorrq_u8(high, vorrq_u8(letters, digits)));
    *digit = movemask16(digits);
    *marker = movemask16(markers);
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

static inline uint32_t quotes16(const uint8_t *bytes) {
    uint32_t quotes = 0;
    for (int index = 0; index < 16; index++) {
        const uint8_t byte = bytes[index];
        quotes |= (uint32_t)(byte == '"' || byte == '\'' || byte == '`') << index;
    }
    return quotes;
}

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
